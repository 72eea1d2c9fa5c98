from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.models import Instrument, QuestionnaireDraft, Role, StoredVersion
from surveyapp.questionnaire import QuestionnaireError, diff_versions, load_version, version_path
from surveyapp.questionnaire.history import version_sort_key
from surveyapp.questionnaire.loader import expand_paths
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.questionnaire.xlsform import xlsform_workbook
from surveyapp.research.diff_view import diff_page, kind_label
from surveyapp.research.labels import flag_label, invitation_label, language, page_title
from surveyapp.services.fieldwork import fieldwork
from surveyapp.services.fieldwork_charts import completion_by_day, completion_by_region, region_rows
from surveyapp.services.quotas import quotas_of
from surveyapp.services.versions import domain_of, published

bp = Blueprint("research", __name__, url_prefix="/research")


@bp.app_template_global()
def region_label(domain: QuestionnaireVersion, code: str) -> str:
    """The region's name in the interface language, from the version's own list."""
    from flask_babel import get_locale

    variable = next((v for v in domain.design_variables if v.name == "region" and v.item), None)
    if variable is not None and variable.item:
        try:
            choices = domain.item(variable.item).choices
        except KeyError:
            choices = None
        choice = choices.get(code) if choices else None
        if choice is not None:
            return choice.label.get(str(get_locale()))
    return code


def _root() -> Path:
    return Path(current_app.config["QUESTIONNAIRES_DIR"])


def _domain(instrument: str, version: str) -> tuple[QuestionnaireVersion, StoredVersion | None]:
    """The published content when there is one; otherwise the draft file (shown as such)."""
    row = published(instrument, version)
    if row is not None:
        return domain_of(row), row
    try:
        path = version_path(instrument, version, _root())
        if not path.exists():
            abort(404)
        return load_version(path), None
    except QuestionnaireError as error:
        abort(422, description=str(error))


@bp.get("/questionnaires")
@role_required(Role.RESEARCHER)
def questionnaires() -> ResponseReturnValue:
    rows = db.session.scalars(select(StoredVersion).join(StoredVersion.instrument).order_by(Instrument.code)).all()
    catalogue: dict[str, dict[str, StoredVersion | None]] = {}
    for row in rows:
        catalogue.setdefault(row.instrument.code, {})[row.version] = row
    root = _root()
    for path in expand_paths([root]) if root.exists() else []:
        catalogue.setdefault(path.parent.name, {}).setdefault(path.stem, None)
    lang = language()
    ordered = {
        code: dict(sorted(versions.items(), key=lambda kv: version_sort_key(kv[0])))
        for code, versions in catalogue.items()
    }
    titles = {code: _title(code, versions, lang) for code, versions in ordered.items()}
    by_title = dict(sorted(ordered.items(), key=lambda kv: (titles[kv[0]].casefold(), kv[0])))
    from surveyapp.workbench.drafts import UploadForm

    drafts = db.session.scalars(
        select(QuestionnaireDraft).order_by(QuestionnaireDraft.instrument, QuestionnaireDraft.version)
    ).all()
    return render_template(
        "research/questionnaires.html", catalogue=by_title, titles=titles, drafts=drafts, upload_form=UploadForm()
    )


def _title(instrument: str, versions: dict[str, StoredVersion | None], lang: str) -> str:
    """The newest version's title in the interface language (the code when no version can be read)."""
    for version, row in reversed(versions.items()):
        if row is not None:
            return domain_of(row).title.get(lang) or instrument
        try:
            return load_version(version_path(instrument, version, _root())).title.get(lang) or instrument
        except QuestionnaireError:
            continue
    return instrument


@bp.get("/questionnaires/<instrument>/<version>")
@role_required(Role.RESEARCHER)
def preview(instrument: str, version: str) -> ResponseReturnValue:
    domain, row = _domain(instrument, version)
    return render_template("research/preview.html", domain=domain, row=row)


@bp.get("/questionnaires/<instrument>/<version>/xlsform")
@role_required(Role.RESEARCHER)
def xlsform(instrument: str, version: str) -> ResponseReturnValue:
    domain, _row = _domain(instrument, version)
    buffer = io.BytesIO()
    xlsform_workbook(domain).save(buffer)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"{domain.instrument}_{domain.version}.xlsx",
    )


@bp.get("/questionnaires/<instrument>/diff")
@role_required(Role.RESEARCHER)
def diff(instrument: str) -> ResponseReturnValue:
    old, new = request.args.get("from", ""), request.args.get("to", "")
    if not old or not new:
        abort(400)
    before, _row = _domain(instrument, old)
    after, _row = _domain(instrument, new)
    lang = language()
    page = diff_page(diff_versions(before, after), before, after, lang)
    return render_template(
        "research/diff.html",
        instrument=instrument,
        title=after.title.get(lang),
        old=old,
        new=new,
        page=page,
        kind_label=kind_label,
    )


@bp.get("/fieldwork/<instrument>/<version>")
@role_required(Role.RESEARCHER)
def fieldwork_view(instrument: str, version: str) -> ResponseReturnValue:
    row = published(instrument, version)
    if row is None:
        abort(404)
    domain = domain_of(row)
    figures = fieldwork(row, domain)
    region_quotas = quotas_of(row)
    regions = {code for code, _n in figures.per_region} | set(figures.invited_per_region) | set(region_quotas)
    rows = region_rows(
        figures.per_region, figures.invited_per_region, {c: region_label(domain, c) for c in regions}, region_quotas
    )
    charts = {
        "per_day": completion_by_day(figures.per_day, _("Submitted per day"), _("submitted")),
        "per_region": completion_by_region(
            rows, _("Submitted per region, against the invitations"), _("invited"), _("submitted"), _("quota")
        ),
    }
    return render_template(
        "research/fieldwork.html",
        domain=domain,
        row=row,
        figures=figures,
        charts=charts,
        region_rows=rows,
        flag_label=flag_label,
        invitation_label=invitation_label,
        page_title=page_title,
    )

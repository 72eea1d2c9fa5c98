"""Questionnaire drafts in the browser: upload, report, metadata, preview, diff, export, publish, delete."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.i18n import population_choices
from surveyapp.models import Instrument, QuestionnaireDraft, Role, StoredVersion
from surveyapp.questionnaire import QuestionnaireError, diff_versions
from surveyapp.questionnaire.history import version_sort_key
from surveyapp.research.diff_view import diff_page, kind_label
from surveyapp.research.labels import language
from surveyapp.services import draft_tests, drafts
from surveyapp.services.versions import domain_of
from surveyapp.workbench.report_messages import problem_text

bp = Blueprint("workbench", __name__)


class _PopulationChoices:
    population: SelectField

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # FlaskForm's, next in the MRO
        # Set after construction: WTForms deprecates choices given to the field as tuples.
        self.population.choices = population_choices()


class UploadForm(_PopulationChoices, FlaskForm):
    file = FileField(_l("YAML file or XLSForm workbook"), validators=[FileRequired()])
    instrument = StringField(_l("Instrument code (for a workbook)"), validators=[Optional(), Length(max=80)])
    version = StringField(_l("Version (for a workbook)"), validators=[Optional(), Length(max=40)])
    population = SelectField(_l("Population"), default="adults")
    submit = SubmitField(_l("Upload"))


class ReuploadForm(FlaskForm):
    file = FileField(_l("Corrected file"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload again"))


class MetadataForm(_PopulationChoices, FlaskForm):
    title_kk = StringField(_l("Title in Kazakh"), validators=[Length(max=300)])
    title_ru = StringField(_l("Title in Russian"), validators=[Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=300)])
    population = SelectField(_l("Population"))
    design_variables = TextAreaField(
        _l("Design variables, one a line: name: source [item]"), validators=[Length(max=5000)]
    )
    helplines = TextAreaField(
        _l("Helplines, one a line: phone | Kazakh name | Russian name | English name"),
        validators=[Length(max=5000)],
    )
    submit = SubmitField(_l("Save and check again"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


def error_text(error: drafts.DraftError) -> str:
    """The reason a draft could not be made or used, in the interface language."""
    p = error.params
    messages = {
        "empty": _("The file is empty. Choose the questionnaire file again."),
        "not_utf8": _(
            "The YAML file is not UTF-8 text (a byte at position %(position)s cannot be read). Save it as UTF-8 "
            "and upload it again.",
            position=p.get("position", ""),
        ),
        "suffix": _(
            "%(suffix)s files cannot be read: upload a questionnaire YAML (.yaml) or an XLSForm workbook (.xlsx, "
            ".xls, .csv or .zip).",
            suffix=p.get("suffix", ""),
        ),
        "workbook": _("The workbook cannot be imported: %(detail)s", detail=p.get("detail", "")),
        "unreadable": _(
            "The workbook cannot be opened: it is damaged or not a spreadsheet. Save it again as .xlsx and upload it."
        ),
        "instrument": _(
            "Instrument code %(value)r: use small Latin letters, digits and _ starting with a letter, e.g. "
            "public_safety (a YAML file gives it in its 'instrument:' line).",
            value=p.get("value", ""),
        ),
        "version": _(
            "Version %(value)r: use letters, digits, '.', '_' or '-', e.g. 2026 (a YAML file gives it in its "
            "'version:' line).",
            value=p.get("value", ""),
        ),
        "other_version": _(
            "This file is %(instrument)s %(version)s, not the version of this draft. Upload it as a new draft "
            "from the questionnaires page.",
            instrument=p.get("instrument", ""),
            version=p.get("version", ""),
        ),
        "design_line": _(
            "Design variables, line %(line)s: write name: source, or name: item code (e.g. region: item region).",
            line=p.get("line", ""),
        ),
        "helpline_line": _(
            "Helplines, line %(line)s: write phone | Kazakh name | Russian name (the English name may follow).",
            line=p.get("line", ""),
        ),
        "yaml_broken": _("The draft's YAML cannot be read: upload a corrected file first."),
        "invalid": _(
            "Not published: the draft has %(errors)s error(s). Fix them (see the report) and try again.",
            errors=p.get("errors", ""),
        ),
    }
    return messages.get(error.key, error.key)


def where_label(problem: dict[str, object]) -> str:
    where = str(problem.get("where", ""))
    if where.startswith("sheet:"):
        return _("sheet %(sheet)s, row %(row)s", sheet=where[6:] or "survey", row=problem.get("line", ""))
    return _("line %(line)s", line=problem.get("line", ""))


def _root() -> Path:
    return Path(current_app.config["QUESTIONNAIRES_DIR"])


def _draft(draft_id: int) -> QuestionnaireDraft:
    draft = db.session.get(QuestionnaireDraft, draft_id)
    if draft is None:
        abort(404)
    return draft


def _last_published(instrument: str) -> StoredVersion | None:
    rows = db.session.scalars(
        select(StoredVersion).join(StoredVersion.instrument).where(Instrument.code == instrument)
    ).all()
    return max(rows, key=lambda r: version_sort_key(r.version), default=None)


def _file(form: FlaskForm) -> tuple[str, bytes]:
    upload = form.file.data
    return upload.filename or "", upload.read()


@bp.post("/research/drafts")
@role_required(Role.RESEARCHER)
def upload() -> ResponseReturnValue:
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("research.questionnaires"))
    name, data = _file(form)
    try:
        draft = drafts.save_upload(
            _root(),
            name,
            data,
            current_user._get_current_object(),
            instrument=(form.instrument.data or "").strip(),
            version=(form.version.data or "").strip(),
            population=form.population.data,
        )
    except drafts.DraftError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("research.questionnaires"))
    db.session.commit()
    return redirect(url_for("workbench.draft", draft_id=draft.id))


def _metadata_form(draft: QuestionnaireDraft) -> MetadataForm:
    meta = drafts.metadata_of(draft)
    form = MetadataForm(
        title_kk=meta.title.get("kk", ""),
        title_ru=meta.title.get("ru", ""),
        title_en=meta.title.get("en", ""),
        population=meta.population or "adults",
        design_variables=drafts.design_variables_text(meta.design_variables),
        helplines=drafts.helplines_text(meta.helplines),
    )
    return form


def _page(
    draft: QuestionnaireDraft, metadata: MetadataForm | None = None, status: int = 200, test_link: str = ""
) -> ResponseReturnValue:
    last = _last_published(draft.instrument)
    return (
        render_template(
            "workbench/draft.html",
            draft=draft,
            metadata=metadata or _metadata_form(draft),
            reupload=ReuploadForm(),
            confirm=ConfirmForm(),
            last=last,
            where_label=where_label,
            problem_text=problem_text,
            tests=draft_tests.test_counts(draft),
            test_link=test_link,
        ),
        status,
    )


@bp.get("/research/drafts/<int:draft_id>")
@role_required(Role.RESEARCHER)
def draft(draft_id: int) -> ResponseReturnValue:
    return _page(_draft(draft_id))


@bp.post("/research/drafts/<int:draft_id>/test-link")
@role_required(Role.RESEARCHER)
def test_link(draft_id: int) -> ResponseReturnValue:
    """A new test link, shown on the page this once (only its hash is stored)."""
    found = _draft(draft_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("workbench.draft", draft_id=draft_id))
    if draft_tests.draft_version(found) is None:
        flash(_("A draft with errors cannot be tested: fix them first."), "error")
        return redirect(url_for("workbench.draft", draft_id=draft_id))
    token = draft_tests.new_test_link(found, current_user._get_current_object())
    db.session.commit()
    return _page(found, test_link=url_for("respond.test_link", token=token, _external=True))


@bp.post("/research/drafts/<int:draft_id>/upload")
@role_required(Role.RESEARCHER)
def reupload(draft_id: int) -> ResponseReturnValue:
    found = _draft(draft_id)
    form = ReuploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("workbench.draft", draft_id=draft_id))
    name, data = _file(form)
    try:
        drafts.save_upload(_root(), name, data, current_user._get_current_object(), draft=found)
    except drafts.DraftError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("workbench.draft", draft_id=draft_id))
    db.session.commit()
    flash(_("The new file replaces the draft's content."), "info")
    return redirect(url_for("workbench.draft", draft_id=draft_id))


@bp.post("/research/drafts/<int:draft_id>/metadata")
@role_required(Role.RESEARCHER)
def metadata(draft_id: int) -> ResponseReturnValue:
    found = _draft(draft_id)
    form = MetadataForm()
    if not form.validate_on_submit():
        return _page(found, form, 400)
    try:
        meta = drafts.Metadata(
            title={"kk": form.title_kk.data or "", "ru": form.title_ru.data or "", "en": form.title_en.data or ""},
            population=form.population.data,
            design_variables=drafts.parse_design_variables(form.design_variables.data or ""),
            helplines=drafts.parse_helplines(form.helplines.data or ""),
        )
        drafts.set_metadata(found, meta, _root(), current_user._get_current_object())
    except drafts.DraftError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return _page(_draft(draft_id), form, 400)
    db.session.commit()
    flash(_("Saved; the draft was checked again."), "info")
    return redirect(url_for("workbench.draft", draft_id=draft_id))


@bp.get("/research/drafts/<int:draft_id>/export.yaml")
@role_required(Role.RESEARCHER)
def export_yaml(draft_id: int) -> ResponseReturnValue:
    found = _draft(draft_id)
    return Response(
        found.yaml_text,
        mimetype="application/yaml",
        headers={
            "Content-Disposition": f'attachment; filename="{found.instrument}_{found.version}.yaml"',
            "Cache-Control": "no-store",
        },
    )


def _checked(found: QuestionnaireDraft) -> drafts.Checked:
    checked = drafts.check_text(found.yaml_text, found.instrument, found.version, _root())
    if checked.domain is None:
        # Only a version that loads can be shown; the report says what is in the way.
        flash(_("The draft has errors: fix them first (see the report)."), "error")
    return checked


@bp.get("/research/drafts/<int:draft_id>/preview")
@role_required(Role.RESEARCHER)
def preview(draft_id: int) -> ResponseReturnValue:
    found = _draft(draft_id)
    checked = _checked(found)
    if checked.domain is None:
        return redirect(url_for("workbench.draft", draft_id=draft_id))
    return render_template("research/preview.html", domain=checked.domain, row=None, draft=found)


@bp.get("/research/drafts/<int:draft_id>/diff")
@role_required(Role.RESEARCHER)
def diff(draft_id: int) -> ResponseReturnValue:
    found = _draft(draft_id)
    last = _last_published(found.instrument)
    if last is None:
        flash(
            _("No version of %(instrument)s is published yet: nothing to compare with.", instrument=found.instrument),
            "info",
        )
        return redirect(url_for("workbench.draft", draft_id=draft_id))
    checked = _checked(found)
    if checked.domain is None:
        return redirect(url_for("workbench.draft", draft_id=draft_id))
    before, after = domain_of(last), checked.domain
    lang = language()
    return render_template(
        "research/diff.html",
        instrument=found.instrument,
        title=after.title.get(lang),
        old=last.version,
        new=found.version,
        page=diff_page(diff_versions(before, after), before, after, lang),
        kind_label=kind_label,
    )


@bp.route("/research/drafts/<int:draft_id>/publish", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def publish(draft_id: int) -> ResponseReturnValue:
    found = _draft(draft_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        instrument, version = found.instrument, found.version
        try:
            result = drafts.publish_draft(found, _root(), current_user._get_current_object())
        except drafts.DraftError as error:
            db.session.commit()  # the fresh report stays with the draft
            flash(error_text(error), "error")
            return redirect(url_for("workbench.draft", draft_id=draft_id))
        except QuestionnaireError:
            db.session.rollback()
            flash(
                _(
                    "%(instrument)s %(version)s is already published with other content; published versions never "
                    "change. Give the draft a new version number and upload it again.",
                    instrument=instrument,
                    version=version,
                ),
                "error",
            )
            return redirect(url_for("workbench.draft", draft_id=draft_id))
        db.session.commit()
        flash(
            _(
                "Published %(instrument)s %(version)s; sha256 %(sha256)s. This version can no longer be changed.",
                instrument=instrument,
                version=version,
                sha256=result.row.sha256,
            ),
            "info",
        )
        return redirect(url_for("research.preview", instrument=instrument, version=version))
    checked = _checked(found)
    if checked.domain is None:
        return redirect(url_for("workbench.draft", draft_id=draft_id))
    return render_template(
        "workbench/publish.html", draft=found, domain=checked.domain, form=form, last=_last_published(found.instrument)
    )


@bp.post("/research/drafts/<int:draft_id>/delete")
@role_required(Role.RESEARCHER)
def delete(draft_id: int) -> ResponseReturnValue:
    found = _draft(draft_id)
    if ConfirmForm().validate_on_submit() and request.form.get("sure"):
        name = f"{found.instrument} {found.version}"
        drafts.delete_draft(found, current_user._get_current_object())
        db.session.commit()
        flash(_("Draft %(name)s deleted.", name=name), "info")
    return redirect(url_for("research.questionnaires"))

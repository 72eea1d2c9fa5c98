"""The response browser: researchers and admins list responses by instrument, version, year, status, quality
flag, region, language and exclusion, page by page with counts, read one response with every question's answer
labelled in kk/ru/en beside its code, and exclude or re-include it from indicator computation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, String, cast, func, select
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.models import Instrument, ResponseStatus, Role, StoredVersion, SurveyResponse
from surveyapp.questionnaire.history import version_sort_key
from surveyapp.questionnaire.model import Item, QuestionnaireVersion
from surveyapp.research.labels import FLAG_LABELS, flag_label, language
from surveyapp.research.routes import bp
from surveyapp.services.exclusion import REASON_LIMIT, ExclusionError, exclude, include
from surveyapp.services.exports.table import pseudonym
from surveyapp.services.versions import domain_of

PAGE_SIZE = 50
MAX_PAGE = 2**31 // PAGE_SIZE
LANGUAGE_ORDER = ("kk", "ru", "en")
STATUS_LABELS = {
    ResponseStatus.IN_PROGRESS.value: _l("In progress"),
    ResponseStatus.SUBMITTED.value: _l("Submitted"),
    ResponseStatus.EXPIRED.value: _l("Expired unfinished"),
    ResponseStatus.WITHDRAWN.value: _l("Withdrawn by the respondent"),
}
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def flags_text(flags: list[str] | None) -> str:
    return "; ".join(flag_label(f) for f in flags or [])


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


@dataclass
class ResponseFilter:
    """The list's filters as read from the query string; a value that cannot be used is dropped with a message."""

    instrument: str = ""
    version: str = ""
    year: int | None = None
    status: str = ""
    flag: str = ""  # a flag code, or "any"
    region: str = ""
    language: str = ""
    excluded: str = ""  # "yes", "no" or "" (both)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: dict[str, str]) -> ResponseFilter:
        wanted = cls()
        for name in ("instrument", "version", "region", "flag"):
            value = args.get(name, "").strip()
            if value and not _CODE.match(value):
                wanted.errors.append(
                    _("The filter %(name)s=%(value)s is not a code; it was ignored.", name=name, value=value[:40])
                )
                continue
            setattr(wanted, name, value)
        year = args.get("year", "").strip()
        if year:
            if year.isdigit() and 1900 <= int(year) <= 2999:
                wanted.year = int(year)
            else:
                wanted.errors.append(
                    _("The year %(value)s is not a year (e.g. 2025); it was ignored.", value=year[:10])
                )
        status = args.get("status", "").strip()
        if status in STATUS_LABELS:
            wanted.status = status
        elif status:
            wanted.errors.append(_("Unknown status %(value)s; it was ignored.", value=status[:20]))
        lang = args.get("language", "").strip()
        if lang in LANGUAGE_ORDER:
            wanted.language = lang
        elif lang:
            wanted.errors.append(_("Unknown language %(value)s; it was ignored.", value=lang[:10]))
        excluded = args.get("excluded", "").strip()
        if excluded in {"yes", "no"}:
            wanted.excluded = excluded
        elif excluded:
            wanted.errors.append(_("The filter excluded takes yes or no; it was ignored."))
        return wanted

    def args(self, without: str = "") -> dict[str, Any]:
        values = {
            "instrument": self.instrument,
            "version": self.version,
            "year": self.year,
            "status": self.status,
            "flag": self.flag,
            "region": self.region,
            "language": self.language,
            "excluded": self.excluded,
        }
        return {k: v for k, v in values.items() if v not in ("", None) and k != without}

    def query(self, *, with_status: bool = True) -> Select[Any]:
        query = select(SurveyResponse).join(StoredVersion, StoredVersion.id == SurveyResponse.version_id)
        if self.instrument:
            query = query.join(Instrument, Instrument.id == StoredVersion.instrument_id).where(
                Instrument.code == self.instrument
            )
        if self.version:
            query = query.where(StoredVersion.version == self.version)
        if self.year is not None:
            # Submitted responses count in the year of submission, unfinished ones in the year they were started.
            moment = func.coalesce(SurveyResponse.submitted_at, SurveyResponse.started_at)
            query = query.where(
                moment >= datetime(self.year, 1, 1, tzinfo=UTC), moment < datetime(self.year + 1, 1, 1, tzinfo=UTC)
            )
        if self.status and with_status:
            query = query.where(SurveyResponse.status == self.status)
        if self.flag:
            flags = cast(SurveyResponse.quality_flags, String)
            # A JSON list of codes: any flag is a quoted string inside it; one flag is that code, quoted.
            query = query.where(flags.like('%"%' if self.flag == "any" else f'%"{self.flag}"%'))
        if self.region:
            query = query.where(SurveyResponse.design["region"].as_string() == self.region)
        if self.language:
            query = query.where(SurveyResponse.language == self.language)
        if self.excluded == "yes":
            query = query.where(SurveyResponse.excluded_at.is_not(None))
        elif self.excluded == "no":
            query = query.where(SurveyResponse.excluded_at.is_(None))
        return query


class ExclusionForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_LIMIT)])
    submit = SubmitField(_l("Exclude from the indicators"))


class InclusionForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Length(max=REASON_LIMIT)])
    submit = SubmitField(_l("Include in the indicators again"))


def _choices() -> tuple[list[str], dict[str, list[str]], list[str]]:
    """(instrument codes, versions by instrument, regions seen) for the filter menus."""
    rows = db.session.execute(
        select(Instrument.code, StoredVersion.version).join(StoredVersion.instrument).order_by(Instrument.code)
    ).all()
    versions: dict[str, list[str]] = {}
    for code, version in rows:
        versions.setdefault(code, []).append(version)
    versions = {code: sorted(vs, key=version_sort_key) for code, vs in versions.items()}
    regions = sorted(
        r
        for r in db.session.scalars(
            select(SurveyResponse.design["region"].as_string()).where(SurveyResponse.version_id.is_not(None)).distinct()
        ).all()
        if r not in (None, "")
    )
    return list(versions), versions, regions


@bp.get("/responses")
@role_required(Role.RESEARCHER)
def responses() -> ResponseReturnValue:
    wanted = ResponseFilter.from_args(request.args.to_dict())
    number = request.args.get("page", 1, type=int)
    if number is None or not 1 <= number <= MAX_PAGE:
        abort(404)
    page = db.paginate(
        wanted.query().order_by(SurveyResponse.id.desc()), page=number, per_page=PAGE_SIZE, error_out=False
    )
    by_status = dict(
        db.session.execute(
            wanted.query(with_status=False)
            .with_only_columns(SurveyResponse.status, func.count())
            .group_by(SurveyResponse.status)
        ).all()
    )
    instruments, versions, regions = _choices()
    return render_template(
        "research/responses.html",
        page=page,
        wanted=wanted,
        by_status=by_status,
        statuses=STATUS_LABELS,
        instruments=instruments,
        versions=versions,
        all_versions=sorted({v for vs in versions.values() for v in vs}, key=version_sort_key),
        regions=regions,
        flags=FLAG_LABELS,
        status_label=status_label,
        flag_label=flag_label,
        flags_text=flags_text,
        languages=LANGUAGE_ORDER,
    )


@dataclass(frozen=True)
class AnswerLine:
    """One line of the response page: a question (or a matrix row) and its answer, labelled in each language."""

    code: str
    question: str
    answered: bool
    codes: list[str]
    labels: dict[str, list[str]]  # language -> the answer's labels (choices), in that language
    text: str  # a typed answer (text, number, date) as it was given


def _labels(item: Item, codes: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {lang: [] for lang in LANGUAGE_ORDER}
    for code in codes:
        choice = item.choices.get(code) if item.choices else None
        for lang in LANGUAGE_ORDER:
            out[lang].append(choice.label.get(lang, fallback=False) if choice is not None else "")
    return out


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def answer_lines(domain: QuestionnaireVersion, answers: dict[str, Any], ui: str) -> list[AnswerLine]:
    lines: list[AnswerLine] = []
    for item in domain.items:
        if item.type == "note":
            continue
        value = answers.get(item.code)
        question = item.label.get(ui)
        if item.type == "matrix":
            given = value if isinstance(value, dict) else {}
            for row in item.rows:
                code = given.get(row.code)
                codes = [] if code is None else [str(code)]
                lines.append(
                    AnswerLine(
                        f"{item.code}.{row.code}",
                        f"{question} — {row.label.get(ui)}",
                        code is not None,
                        codes,
                        _labels(item, codes),
                        "",
                    )
                )
            continue
        if item.choices is not None and item.type != "matrix":
            codes = [str(v) for v in value] if isinstance(value, list) else ([] if value is None else [str(value)])
            lines.append(AnswerLine(item.code, question, value is not None, codes, _labels(item, codes), ""))
            continue
        lines.append(AnswerLine(item.code, question, value is not None, [], {}, _shown(value)))
    return lines


@bp.route("/responses/<int:response_id>", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def response_view(response_id: int) -> ResponseReturnValue:
    row = db.session.get(SurveyResponse, response_id)
    if row is None or row.version is None:
        abort(404)  # a draft's test response is none of the survey's responses
    exclusion, inclusion = ExclusionForm(prefix="exclude"), InclusionForm(prefix="include")
    if request.method == "POST":
        user = current_user._get_current_object()
        try:
            if row.excluded_at is None and exclusion.validate_on_submit():
                exclude(row.id, str(exclusion.reason.data), user)
                flash(_("Response %(id)s is excluded from indicator computation.", id=row.id), "success")
            elif row.excluded_at is not None and inclusion.validate_on_submit():
                include(row.id, str(inclusion.reason.data or ""), user)
                flash(_("Response %(id)s counts in indicator computation again.", id=row.id), "success")
            else:
                flash(_("Nothing was changed: give a reason of at most %(n)s characters.", n=REASON_LIMIT), "error")
                return redirect(url_for("research.response_view", response_id=row.id))
        except ExclusionError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("research.response_view", response_id=row.id))
        db.session.commit()
        return redirect(url_for("research.response_view", response_id=row.id))
    domain = domain_of(row.version)
    ui = language()
    return render_template(
        "research/response.html",
        row=row,
        domain=domain,
        lines=answer_lines(domain, row.answers or {}, ui),
        known={item.code for item in domain.items},
        pseudonym=pseudonym(row.id, current_app.config["SECRET_KEY"]),
        exclusion=exclusion,
        inclusion=inclusion,
        status_label=status_label,
        flags_text=flags_text,
        shown=_shown,
        languages=LANGUAGE_ORDER,
    )

"""The researchers' labelled exports: asked for here, made by a background job (services/export_job.py) with a
progress bar, then downloaded by streaming the job's stored file from disk, never held in the worker's memory.

Every export goes through the job, even a small one: one path (audited, joined by identical requests, with
the same file for a second download) rather than a direct download beside it that a large selection would
turn into a request timing out in a gunicorn worker."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import extract, func, select
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from analysis.vocabulary import LANGUAGES
from surveyapp.access import role_required
from surveyapp.dashboard.jobs import error_text, status_label
from surveyapp.extensions import db
from surveyapp.i18n import LANGUAGE_NAMES
from surveyapp.models import Instrument, Job, ResponseStatus, Role, StoredVersion, SurveyResponse
from surveyapp.research.routes import bp
from surveyapp.services import export_job
from surveyapp.services.exports import ExportError, ExportRequest, check_request
from surveyapp.services.exports.formats import FORMATS
from surveyapp.services.exports.replicates import TYPES as REPLICATE_TYPES


class ExportForm(FlaskForm):
    selection = SelectField(_l("Survey and year"), validators=[DataRequired()])
    file_format = SelectField(_l("Format"), validators=[DataRequired()])
    language = SelectField(_l("Labels in"), validators=[DataRequired()])
    replicates = SelectField(_l("Replicate weights"), default="")
    submit = SubmitField(_l("Prepare the file"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Set after construction: WTForms deprecates choices given to the field as tuples.
        names = FORMAT_NAMES | {"csv": _("CSV with its codebook (.zip)")}
        self.file_format.choices = [(code, names.get(code, code)) for code in FORMATS]
        self.language.choices = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
        self.replicates.choices = [("", _("none")), *((code, REPLICATE_NAMES[code]) for code in REPLICATE_TYPES)]


FORMAT_NAMES = {
    "xlsx": "Excel (.xlsx)",
    "sav": "SPSS (.sav)",
    "dta": "Stata (.dta)",
    "parquet": "Parquet (.parquet)",
}
REPLICATE_NAMES = {"jk1": "JK1", "jkn": "JKn", "bootstrap": "bootstrap (Rao–Wu)", "brr": "BRR"}


def _selections() -> list[tuple[str, int, int]]:
    """(instrument code, year, submitted responses) of every instrument-year with responses."""
    year = extract("year", SurveyResponse.submitted_at)
    rows = db.session.execute(
        select(Instrument.code, year, func.count())
        .select_from(SurveyResponse)
        .join(StoredVersion, StoredVersion.id == SurveyResponse.version_id)
        .join(Instrument, Instrument.id == StoredVersion.instrument_id)
        .where(SurveyResponse.status == ResponseStatus.SUBMITTED.value)
        .group_by(Instrument.code, year)
        .order_by(Instrument.code, year)
    ).all()
    return [(code, int(y), int(n)) for code, y, n in rows]


@bp.route("/exports", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def exports() -> ResponseReturnValue:
    selections = _selections()
    form = ExportForm()
    # Plain values (shown as they are sent): they hold no text to translate, and work with every WTForms 3.
    form.selection.choices = [f"{code}/{year}" for code, year, _n in selections]
    if not form.is_submitted():
        # Labels in the reader's own language unless they choose another.
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        instrument, _sep, year = str(form.selection.data).partition("/")
        request = ExportRequest(
            instrument,
            int(year),
            str(form.file_format.data),
            str(form.language.data),
            free_text=bool(current_app.config.get("EXPORT_FREE_TEXT", True)),
            replicates=str(form.replicates.data) or None,
        )
        try:
            check_request(request)
        except ExportError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("research.exports"))
        job, created = export_job.submit(request, current_user._get_current_object())
        if not created:
            flash(_("The same export is already being prepared: here it is."), "info")
        return redirect(url_for("research.export_job_view", job_id=job.id))
    recent = db.session.scalars(select(Job).where(Job.kind == export_job.KIND).order_by(Job.id.desc()).limit(10)).all()
    return render_template("research/exports.html", form=form, selections=selections, recent=recent)


def _export_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.kind != export_job.KIND:
        abort(404)
    return job


@bp.get("/exports/jobs/<int:job_id>")
@role_required(Role.RESEARCHER)
def export_job_view(job_id: int) -> ResponseReturnValue:
    job = _export_job(job_id)
    return render_template(
        "research/export_job.html",
        job=job,
        wanted=ExportRequest(**job.params["request"]),
        status=status_label(job.status),
        error=error_text(job),
        available=export_job.stored_file(job) is not None,
        poll_seconds=3,
    )


@bp.get("/exports/jobs/<int:job_id>/file")
@role_required(Role.RESEARCHER)
def export_job_file(job_id: int) -> ResponseReturnValue:
    job = _export_job(job_id)
    path = export_job.stored_file(job)
    if path is None:
        if job.status == "done":
            abort(410, description=_("This export's file has been removed; export again."))
        abort(404)
    return export_job.send_export(job, path)

"""The researchers' download of the labelled exports: the same service as `flask responses export`, written to
a temporary file that is streamed from disk (never held in the worker's memory) and gone once sent."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import extract, func, select
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from analysis.vocabulary import LANGUAGES
from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.models import Instrument, ResponseStatus, Role, StoredVersion, SurveyResponse
from surveyapp.research.routes import bp
from surveyapp.services.exports import ExportError, ExportRequest, export_responses
from surveyapp.services.exports.formats import FORMATS
from surveyapp.services.exports.formats.csv_file import codebook_path

MIMETYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "parquet": "application/vnd.apache.parquet",
}


class ExportForm(FlaskForm):
    selection = SelectField(_l("Survey and year"), validators=[DataRequired()])
    file_format = SelectField(_l("Format"), choices=list(FORMATS), validators=[DataRequired()])
    language = SelectField(_l("Labels in"), choices=list(LANGUAGES), validators=[DataRequired()])
    submit = SubmitField(_l("Download"))


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
        form.language.data = current_app.config.get("DEFAULT_LANGUAGE", "kk")
    if form.validate_on_submit():
        instrument, _, year = str(form.selection.data).partition("/")
        request = ExportRequest(
            instrument,
            int(year),
            str(form.file_format.data),
            str(form.language.data),
            free_text=bool(current_app.config.get("EXPORT_FREE_TEXT", True)),
        )
        folder = tempfile.TemporaryDirectory(prefix="export-")
        name = f"{instrument}_{year}_{request.language}.{request.format}"
        path = Path(folder.name) / name
        try:
            export_responses(request, path, current_app.config["SECRET_KEY"], current_user._get_current_object())
        except ExportError as error:
            db.session.rollback()
            folder.cleanup()
            flash(str(error), "error")
            return redirect(url_for("research.exports"))
        db.session.commit()
        if request.format == "csv":  # the data and its codebook together
            bundle = path.with_suffix(".zip")
            with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(path, name)
                archive.write(codebook_path(path), codebook_path(path).name)
            path, name = bundle, bundle.name
        handle = path.open("rb")
        folder.cleanup()  # the open handle keeps the file readable until it is sent; nothing stays on disk
        return send_file(handle, mimetype=MIMETYPES[request.format], as_attachment=True, download_name=name)
    return render_template("research/exports.html", form=form, selections=selections)

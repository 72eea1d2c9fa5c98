"""Population margins and administrative figures uploaded in the browser: a preview first, then stored.

Both steps call the CLI's own import (``flask margins import``, ``flask indicators import-admin``): the preview
runs it and rolls the session back, so what it shows, and every row-level error, is exactly what storing does.
Between the two steps the file waits on the server (``upload_store``) under a random token that the confirmation
form carries, so its size is bounded by ``UPLOAD_MAX_BYTES``, not by a form field; it is deleted once stored.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional

from surveyapp import upload_store
from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.i18n import population_choices
from surveyapp.models import AdminFigure, Role
from surveyapp.services.admin_figures import import_figures
from surveyapp.services.margins import import_margins, margin_variables
from surveyapp.services.tabular import ImportFileError
from surveyapp.workbench.drafts import bp

T = TypeVar("T")
SUFFIXES = (".csv", ".xlsx", ".xlsm")
PREVIEW_ROWS = 200


class _Upload(FlaskForm):
    file = FileField(_l("CSV or XLSX file"))
    upload = HiddenField()  # the token of the previewed file kept on the server
    replace = BooleanField(_l("Replace what is already stored"))


class MarginsForm(_Upload):
    year = IntegerField(_l("Year"), validators=[NumberRange(min=1990, max=2100)])
    population = SelectField(_l("Population"))
    preview = SubmitField(_l("Preview"))
    store = SubmitField(_l("Store"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set after construction: WTForms deprecates choices given to the field as tuples.
        self.population.choices = population_choices()


class FiguresForm(_Upload):
    year = IntegerField(validators=[Optional()])  # unused: keeps one template macro for both forms
    preview = SubmitField(_l("Preview"))
    store = SubmitField(_l("Store"))


def _content(form: _Upload) -> tuple[str, bytes] | None:
    """The uploaded file, or the previewed one kept on the server; None after a flash."""
    upload: Any = form.file.data
    if upload is not None and upload.filename:
        name, data = Path(upload.filename).name, upload.read()
        upload.close()  # a large part is spooled to a temporary file: closed now rather than by the collector
    elif form.upload.data:
        kept = upload_store.fetch(current_user.id, form.upload.data)
        if kept is None:
            flash(_("The previewed file is no longer kept (after an hour it is deleted): upload it again."), "error")
            return None
        name, data = kept
    else:
        name, data = "", b""
    if not data:
        flash(_("Choose a CSV or XLSX file."), "error")
        return None
    if Path(name).suffix.lower() not in SUFFIXES:
        flash(_("%(name)s: upload a .csv or .xlsx file.", name=name), "error")
        return None
    return name, data


def _run(name: str, data: bytes, store: bool, work: Callable[[Path], T]) -> tuple[T | None, str]:
    """``work`` on the file under its own name; kept only when ``store``; (result, error message)."""
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            result = work(path)
        except ImportFileError as error:
            db.session.rollback()
            return None, str(error).replace(str(path), name)
        if store:
            db.session.commit()
        return result, ""


def _questionnaires() -> Path:
    return Path(current_app.config["QUESTIONNAIRES_DIR"])


def _page(margins: MarginsForm, figures: FiguresForm, **shown: Any) -> str:
    return render_template("workbench/inputs.html", margins=margins, figures=figures, **shown)


@bp.get("/research/inputs")
@role_required(Role.RESEARCHER)
def inputs() -> ResponseReturnValue:
    return _page(MarginsForm(formdata=None), FiguresForm(formdata=None))


@bp.post("/research/inputs/margins")
@role_required(Role.RESEARCHER)
def margins_upload() -> ResponseReturnValue:
    form = MarginsForm()
    if not form.validate_on_submit():
        return _page(form, FiguresForm(formdata=None)), 400
    content = _content(form)
    if content is None:
        return redirect(url_for("workbench.inputs"))
    name, data = content
    store = bool(form.store.data) and not getattr(form.file.data, "filename", "")
    year, population = int(form.year.data), form.population.data

    def work(path: Path) -> dict[str, Any]:
        margin_set = import_margins(path, year, population, _questionnaires(), replace=bool(form.replace.data))
        return {"cells": list(margin_set.cells), "variables": margin_variables(margin_set)}

    result, error = _run(name, data, store, work)
    if not store:
        db.session.rollback()
    if error:
        flash(_("Nothing was stored. %(error)s", error=error), "error")
        return _page(form, FiguresForm(formdata=None)), 422
    assert result is not None
    if store:
        upload_store.discard(current_user.id, form.upload.data or "")
        flash(
            _(
                "Margins for %(population)s %(year)s stored: %(cells)d cells.",
                population=population,
                year=year,
                cells=len(result["cells"]),
            ),
            "info",
        )
        return redirect(url_for("workbench.inputs"))
    form.upload.data = upload_store.keep(current_user.id, name, data)
    total = sum(float(c["total"]) for c in result["cells"])
    return _page(
        form, FiguresForm(formdata=None), margins_preview=result, margins_total=total, preview_rows=PREVIEW_ROWS
    )


@bp.post("/research/inputs/figures")
@role_required(Role.RESEARCHER)
def figures_upload() -> ResponseReturnValue:
    form = FiguresForm()
    if not form.validate_on_submit():
        return _page(MarginsForm(formdata=None), form), 400
    content = _content(form)
    if content is None:
        return redirect(url_for("workbench.inputs"))
    name, data = content
    store = bool(form.store.data) and not getattr(form.file.data, "filename", "")

    def work(path: Path) -> list[dict[str, Any]]:
        import_figures(path, _questionnaires(), replace=bool(form.replace.data))
        added = [o for o in db.session.new if isinstance(o, AdminFigure)]
        return [
            {
                "programme": f.programme,
                "indicator": f.indicator,
                "year": f.year,
                "region": f.region,
                "count": f.count,
                "population": f.population,
                "value": f.value,
            }
            for f in sorted(added, key=lambda f: (f.programme, f.indicator, f.year, f.region))
        ]

    result, error = _run(name, data, store, work)
    if not store:
        db.session.rollback()
    if error:
        flash(_("Nothing was stored. %(error)s", error=error), "error")
        return _page(MarginsForm(formdata=None), form), 422
    assert result is not None
    if store:
        upload_store.discard(current_user.id, form.upload.data or "")
        flash(_("%(rows)d administrative figure(s) stored from %(name)s.", rows=len(result), name=name), "info")
        return redirect(url_for("workbench.inputs"))
    form.upload.data = upload_store.keep(current_user.id, name, data)
    return _page(MarginsForm(formdata=None), form, figures_preview=result, preview_rows=PREVIEW_ROWS)

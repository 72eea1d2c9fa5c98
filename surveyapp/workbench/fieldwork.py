"""Closing and reopening fieldwork of a published version, after a confirmation page (services/fieldwork_state)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.models import Role, StoredVersion
from surveyapp.services import fieldwork_state
from surveyapp.services.versions import domain_of, published
from surveyapp.workbench.drafts import ConfirmForm, bp


def _row(instrument: str, version: str) -> StoredVersion:
    row = published(instrument, version)
    if row is None:
        abort(404)
    return row


@bp.route("/research/fieldwork/<instrument>/<version>/state", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def fieldwork_state_page(instrument: str, version: str) -> ResponseReturnValue:
    """GET asks to confirm closing (or reopening, when closed); the POST does it."""
    row = _row(instrument, version)
    closing = row.fieldwork_closed_at is None
    form = ConfirmForm()
    back = url_for("research.fieldwork_view", instrument=instrument, version=version)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        change = fieldwork_state.close(row, user) if closing else fieldwork_state.reopen(row, user)
        db.session.commit()
        if change.closed:
            flash(
                _(
                    "Fieldwork of %(instrument)s %(version)s is closed: no new response starts.",
                    instrument=instrument,
                    version=version,
                ),
                "info",
            )
        else:
            flash(
                _("Fieldwork of %(instrument)s %(version)s is open again.", instrument=instrument, version=version),
                "info",
            )
        return redirect(back)
    return render_template(
        "workbench/fieldwork_state.html", domain=domain_of(row), row=row, closing=closing, form=form, back=back
    )

"""Invitations from an uploaded sample file (preview, errors by row, create and download links) and revocation.

The same service as ``flask invitations create``; the links file is the answer to the create request itself,
because only the tokens' hashes are kept: nobody, not even this page, can show those links again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from surveyapp import audit, upload_store
from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.models import Role, StoredVersion
from surveyapp.models.base import utcnow
from surveyapp.services import invitations, quotas
from surveyapp.services.margins import known_regions
from surveyapp.services.versions import domain_of, published
from surveyapp.workbench.drafts import bp

PREVIEW_ROWS = 20


class SampleForm(FlaskForm):
    file = FileField(_l("Sample file (CSV or XLSX, one row per sampled person)"))
    batch = StringField(_l("Mailing label (optional)"), validators=[Length(max=80)])
    upload = HiddenField()  # the token of the previewed sample kept on the server (upload_store)


class RevokeForm(FlaskForm):
    link = StringField(_l("Link or token to revoke"), validators=[Length(max=500)])


def _version(instrument: str, version: str) -> StoredVersion:
    row = published(instrument, version)
    if row is None:
        abort(404)
    return row


def _page(row: StoredVersion, form: SampleForm, status: int = 200, **shown: Any) -> ResponseReturnValue:
    domain = domain_of(row)
    return (
        render_template(
            "workbench/invitations.html",
            row=row,
            domain=domain,
            form=form,
            revoke_form=RevokeForm(formdata=None),
            variables=invitations.invitation_variables(domain),
            **shown,
        ),
        status,
    )


@bp.get("/research/fieldwork/<instrument>/<version>/invitations")
@role_required(Role.RESEARCHER)
def invitations_page(instrument: str, version: str) -> ResponseReturnValue:
    return _page(_version(instrument, version), SampleForm(formdata=None))


def _sample(form: SampleForm) -> tuple[str, bytes]:
    upload: Any = form.file.data
    if upload is not None and upload.filename:
        name, data = Path(upload.filename).name, upload.read()
        upload.close()  # a large part is spooled to a temporary file: closed now rather than by the collector
        return name, data
    return upload_store.fetch(current_user.id, form.upload.data or "") or ("", b"")


@bp.post("/research/fieldwork/<instrument>/<version>/invitations")
@role_required(Role.RESEARCHER)
def invitations_upload(instrument: str, version: str) -> ResponseReturnValue:
    row = _version(instrument, version)
    form = SampleForm()
    if not form.validate_on_submit():
        return _page(row, form, 400)
    name, data = _sample(form)
    if not data:
        if form.upload.data and not getattr(form.file.data, "filename", ""):
            flash(_("The previewed file is no longer kept (after an hour it is deleted): upload it again."), "error")
        else:
            flash(_("Choose the sample file."), "error")
        return _page(row, form, 400)
    if Path(name).suffix.lower() not in {".csv", ".xlsx", ".xlsm"}:
        flash(_("%(name)s: upload a .csv or .xlsx file.", name=name), "error")
        return _page(row, form, 400)
    domain = domain_of(row)
    with tempfile.TemporaryDirectory(prefix="sample-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            rows = invitations.read_sample(path, invitations.invitation_variables(domain))
            region_quotas = quotas.quotas_in_sample(
                path, rows, known_regions(Path(current_app.config["QUESTIONNAIRES_DIR"]))
            )
        except invitations.SampleError as error:
            flash(_("No invitations were made. %(error)s", error=str(error).replace(str(path), name)), "error")
            return _page(row, form, 422)
    if "create" not in request.form:
        form.upload.data = upload_store.keep(current_user.id, name, data)
        return _page(
            row,
            form,
            sample=rows[:PREVIEW_ROWS],
            count=len(rows),
            columns=list(rows[0].keys()),
            quotas=region_quotas,
        )
    batch = (form.batch.data or "").strip()
    created = invitations.create_invitations(row, domain, rows, batch)
    quotas.store_quotas(row, region_quotas)
    body = invitations.links_csv(created, request.host_url)
    audit.record(
        "invitations_create",
        "questionnaire",
        f"{instrument}/{version}",
        {"count": len(created), "batch": batch, "quotas": region_quotas},
        current_user._get_current_object(),
    )
    db.session.commit()
    upload_store.discard(current_user.id, form.upload.data or "")
    download = f"links-{instrument}-{version}-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{download}"', "Cache-Control": "no-store"},
    )


@bp.post("/research/fieldwork/<instrument>/<version>/invitations/revoke")
@role_required(Role.RESEARCHER)
def invitation_revoke(instrument: str, version: str) -> ResponseReturnValue:
    row = _version(instrument, version)
    form = RevokeForm()
    if form.validate_on_submit():
        invitation = invitations.revoke(row, form.link.data or "")
        if invitation is None:
            db.session.rollback()
            flash(_("No unused invitation of this version has that link: it may be used already or revoked."), "error")
        else:
            audit.record(
                "invitation_revoke",
                "invitation",
                invitation.id,
                {"version": f"{instrument}/{version}"},
                current_user._get_current_object(),
            )
            db.session.commit()
            flash(_("The invitation is revoked: its link no longer opens the questionnaire."), "info")
    return redirect(url_for("workbench.invitations_page", instrument=instrument, version=version))

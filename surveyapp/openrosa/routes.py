"""/openrosa: what ODK Collect asks for, with HTTP Basic authentication over TLS.

Basic rather than Digest: Digest needs a hash of the plain password under the realm (MD5), which would mean
storing a second, weak password hash beside the salted one. Collect sends Basic only over HTTPS, so this server
refuses plain HTTP here unless OPENROSA_ALLOW_HTTP is set (a local trial, never production).
"""

from __future__ import annotations

from email.utils import formatdate
from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.auth import throttle
from surveyapp.extensions import csrf, db
from surveyapp.models import Instrument, Role, StoredVersion, User
from surveyapp.openrosa.submission import Refused, read_instance, store
from surveyapp.openrosa.xform import xform_of
from surveyapp.services.interviewers import assigned_instruments, is_assigned
from surveyapp.services.versions import domain_of, published

bp = Blueprint("openrosa", __name__, url_prefix="/openrosa")
csrf.exempt(bp)  # no cookies here: every request carries its credentials


@bp.before_request
def device_language() -> None:
    # The messages Collect shows follow the device's language, which Collect sends as Accept-Language (no
    # cookie, no ?lang=); English when the device speaks none of the interface languages.
    g.device_language = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"

REALM = "surveyapp OpenRosa"
_RESPONSE_NS = "http://openrosa.org/http/response"


def _headers(response: Response) -> Response:
    response.headers["X-OpenRosa-Version"] = "1.0"
    # The app's request limit (MAX_REQUEST_BYTES): Collect splits or refuses larger submissions itself.
    response.headers["X-OpenRosa-Accept-Content-Length"] = str(current_app.config["MAX_CONTENT_LENGTH"])
    response.headers["Date"] = formatdate(usegmt=True)
    return response


def _message(text: str, status: int, nature: str = "") -> Response:
    attribute = f' nature="{nature}"' if nature else ""
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="{_RESPONSE_NS}">'
        f"<message{attribute}>{escape(text)}</message></OpenRosaResponse>"
    )
    return _headers(Response(body, status=status, content_type="text/xml; charset=utf-8"))


def _challenge(text: str) -> Response:
    response = _message(text, 401)
    response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def _interviewer() -> User | Response:
    """The signed-in interviewer, or the response that refuses the request."""
    if not request.is_secure and not current_app.config["OPENROSA_ALLOW_HTTP"]:
        return _message(_("This server accepts ODK Collect only over HTTPS: use an https:// server URL."), 403)
    credentials = request.authorization
    if credentials is None or credentials.type != "basic" or not credentials.username:
        return _challenge(_("Sign in with your interviewer username and password."))
    username = credentials.username.strip()
    remaining = throttle.begin_attempt(username)
    if remaining is not None:
        return _message(_("Too many failed sign-ins: wait a few minutes and try again."), 429)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None or not user.active or not user.check_password(credentials.password or ""):
        audit.record("login_failed", "user", username[:80], {"via": "openrosa"})
        db.session.commit()
        return _challenge(_("Wrong username or password."))
    throttle.clear(username)
    db.session.commit()
    if user.role != Role.INTERVIEWER:
        text = _("%(username)s is not an interviewer account: ask an administrator.", username=user.username)
        return _message(text, 403)
    return user


def _latest(instrument: Instrument) -> StoredVersion | None:
    return db.session.scalar(
        select(StoredVersion)
        .where(StoredVersion.instrument_id == instrument.id)
        .order_by(StoredVersion.published_at.desc(), StoredVersion.id.desc())
        .limit(1)
    )


@bp.get("/formList")
def form_list() -> Response:
    user = _interviewer()
    if isinstance(user, Response):
        return user
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<xforms xmlns="http://openrosa.org/xforms/xformsList">']
    # One entry per instrument, its newest version: Collect keeps one form per formID and replaces it when the
    # version changes. Older versions still on a device are accepted at submission.
    for instrument in assigned_instruments(user):
        row = _latest(instrument)
        if row is None or row.fieldwork_closed_at is not None:
            # Closed fieldwork offers no form for new interviews; filled-in ones are still accepted below.
            continue
        domain = domain_of(row)
        xform = xform_of(domain)
        url = url_for("openrosa.form", form_id=instrument.code, version=row.version, _external=True)
        lines.append(
            f"<xform><formID>{escape(instrument.code)}</formID>"
            f"<name>{escape(domain.title.get(domain.languages[0]))}</name>"
            f"<version>{escape(row.version)}</version><hash>md5:{xform.md5}</hash>"
            f"<downloadUrl>{escape(url)}</downloadUrl></xform>"
        )
    lines.append("</xforms>")
    return _headers(Response("\n".join(lines), content_type="text/xml; charset=utf-8"))


@bp.get("/forms/<form_id>/<version>.xml")
def form(form_id: str, version: str) -> Response:
    user = _interviewer()
    if isinstance(user, Response):
        return user
    row = published(form_id, version)
    if row is None or not is_assigned(user, row.instrument):
        text = _("No form %(form)s version %(version)s is assigned to you.", form=form_id, version=version)
        return _message(text, 404)
    return _headers(Response(xform_of(domain_of(row)).xml, content_type="text/xml; charset=utf-8"))


@bp.route("/submission", methods=["HEAD", "POST"])
def submission() -> Response:
    user = _interviewer()
    if isinstance(user, Response):
        return user
    if request.method == "HEAD":
        return _headers(Response(status=204))
    upload = request.files.get("xml_submission_file")
    if upload is None:
        return _message(_("The request has no xml_submission_file part: send it from ODK Collect."), 400)
    try:
        instance = read_instance(upload.read())
        row = published(instance.form_id, instance.version)
        if row is None:
            raise Refused(422, _("Form %(form)s version %(version)s is not published on this server.",
                                 form=instance.form_id, version=instance.version))
        if not is_assigned(user, row.instrument):
            raise Refused(403, _("You are not assigned to %(form)s: ask an administrator.", form=instance.form_id))
        response, new = store(row.id, domain_of(row), instance, user)
    except Refused as refused:
        db.session.rollback()
        return _message(refused.message, refused.status, "submit_error")
    if new:
        audit.record(
            "interviewer_submission", "response", str(response.id), {"instance_id": instance.instance_id}, user=user
        )
        db.session.commit()
    return _message(_("The form was received. Thank you."), 201, "submit_success")

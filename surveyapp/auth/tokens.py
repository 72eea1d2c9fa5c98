"""The signed-in user's own API tokens: make one (its secret is shown on this answer only), revoke one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from surveyapp.auth.routes import bp
from surveyapp.extensions import db
from surveyapp.models import ApiToken, TokenScope
from surveyapp.models.base import utcnow
from surveyapp.services.api_tokens import DEFAULT_DAYS, MAX_DAYS, NAME_MAX, create_token, revoke_token, tokens_of


def scope_choices() -> list[tuple[str, str]]:
    return [
        (TokenScope.READ.value, _("read: download only")),
        (TokenScope.SUBMIT.value, _("submit: download and send responses")),
        (TokenScope.ADMIN.value, _("admin: everything your account may do")),
    ]


class TokenForm(FlaskForm):
    name = StringField(_l("What is it for"), validators=[DataRequired(), Length(max=NAME_MAX)])
    scope = SelectField(_l("Scope"), default=TokenScope.READ.value)
    days = IntegerField(
        _l("Valid for (days)"), default=DEFAULT_DAYS, validators=[DataRequired(), NumberRange(1, MAX_DAYS)]
    )
    submit = SubmitField(_l("Create token"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> ResponseReturnValue:
    form = TokenForm()
    form.scope.choices = scope_choices()
    secret = None
    if form.validate_on_submit():
        made = create_token(current_user, form.name.data, form.scope.data, form.days.data)
        db.session.commit()
        # Not flashed: a flash would sit in the signed session cookie; the secret lives in this answer only.
        secret = made.secret
        form = TokenForm(formdata=None)
        form.scope.choices = scope_choices()
    status = 422 if form.errors else 200
    response = render_template(
        "auth/tokens.html",
        form=form,
        revoke_form=RevokeForm(),
        secret=secret,
        tokens=tokens_of(current_user),
        now=utcnow(),
    )
    headers = {"Cache-Control": "no-store"} if secret else {}
    return response, status, headers


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    form = RevokeForm()
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if form.validate_on_submit() and revoke_token(token):
        db.session.commit()
        flash(_("The token “%(name)s” is revoked: scripts that use it are refused from now on.", name=token.name))
    return redirect(url_for("auth.tokens"))

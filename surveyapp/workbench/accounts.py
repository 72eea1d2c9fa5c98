"""Accounts in the browser: the admin's user management, one-time reset links, everyone's own password."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.i18n import role_label
from surveyapp.models import Role, User
from surveyapp.models.user import MIN_PASSWORD_LENGTH
from surveyapp.services import accounts
from surveyapp.workbench.drafts import bp


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, role_label(r.value)) for r in Role]


class NewPasswordMixin:
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    repeat = PasswordField(
        _l("New password again"), validators=[DataRequired(), EqualTo("new_password", _l("The two passwords differ."))]
    )


class OwnPasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Change the password"))


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Set the password"))


class _RoleChoices:
    role: SelectField

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # FlaskForm's, next in the MRO
        # Set after construction: WTForms deprecates choices given to the field as tuples.
        self.role.choices = _role_choices()


class CreateUserForm(_RoleChoices, FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    # Least privilege unless chosen: the first choice would otherwise make every new account an admin.
    role = SelectField(_l("Role"), default=Role.MINISTRY.value)
    password = PasswordField(
        _l("Password (leave empty to give a one-time link instead)"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )
    submit = SubmitField(_l("Create the account"))

    def validate_username(self, field: StringField) -> None:
        if accounts.find_user((field.data or "").strip()) is not None:
            raise ValidationError(_("A user with this name already exists."))


class RoleForm(_RoleChoices, FlaskForm):
    role = SelectField(_l("Role"))
    submit = SubmitField(_l("Change the role"))


class ActionForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def own_password() -> ResponseReturnValue:
    form = OwnPasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current.data):
            form.current.errors = [_("This is not your current password.")]
            status = 400
        else:
            accounts.set_password(user, form.new_password.data, user)
            db.session.commit()
            flash(_("Your password is changed."), "info")
            return redirect(url_for("main.index"))
    elif form.is_submitted():
        status = 400
    return render_template("workbench/own_password.html", form=form), status


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    user = accounts.user_for_token(token)
    if user is None:
        return render_template("workbench/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.new_password.data, user, action="user_password_reset")
        db.session.commit()
        flash(_("The password is set. Sign in with it."), "info")
        return redirect(url_for("auth.login"))
    return render_template("workbench/reset.html", form=form, user=user), 400 if form.is_submitted() else 200


def users_page(
    create: CreateUserForm | None = None, link: tuple[User, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return (
        render_template(
            "admin/users.html",
            users=users,
            create=create or CreateUserForm(),
            role_form=RoleForm,
            action=ActionForm(),
            link=link,
            hours=accounts.reset_hours(),
        ),
        status,
    )


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/admin/users")
@role_required(Role.ADMIN)
def create_user() -> ResponseReturnValue:
    form = CreateUserForm()
    if not form.validate_on_submit():
        return users_page(form, status=400)
    username = form.username.data.strip()
    user = accounts.create_user(
        username, form.role.data, form.password.data or None, current_user._get_current_object()
    )
    link = None
    if not form.password.data:
        link = (user, url_for("workbench.reset_password", token=accounts.reset_token(user), _external=True))
    db.session.commit()
    flash(_("Account %(name)s created.", name=username), "info")
    if link is not None:
        return users_page(link=link)
    return redirect(url_for("admin.users"))


def _not_self(user: User) -> bool:
    if user.id == current_user.id:
        # An admin who demotes or locks out themselves may leave nobody able to undo it.
        flash(_("You cannot change your own role or lock your own account; ask another admin."), "error")
        return False
    return True


@bp.post("/admin/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def change_role(user_id: int) -> ResponseReturnValue:
    user = _account(user_id)
    form = RoleForm()
    if form.validate_on_submit() and _not_self(user) and form.role.data != user.role:
        accounts.set_role(user, form.role.data, current_user._get_current_object())
        db.session.commit()
        flash(_("%(name)s is now: %(role)s.", name=user.username, role=role_label(user.role)), "info")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def toggle_active(user_id: int) -> ResponseReturnValue:
    user = _account(user_id)
    if ActionForm().validate_on_submit() and _not_self(user):
        accounts.set_active(user, not user.active, current_user._get_current_object())
        db.session.commit()
        if user.active:
            flash(_("%(name)s can sign in again.", name=user.username), "info")
        else:
            flash(_("%(name)s can no longer sign in.", name=user.username), "info")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<int:user_id>/reset")
@role_required(Role.ADMIN)
def reset_link(user_id: int) -> ResponseReturnValue:
    user = _account(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    if not user.active:
        flash(_("%(name)s is deactivated: reactivate the account first.", name=user.username), "error")
        return redirect(url_for("admin.users"))
    link = url_for(
        "workbench.reset_password", token=accounts.reset_token(user, current_user._get_current_object()), _external=True
    )
    db.session.commit()
    return users_page(link=(user, link))

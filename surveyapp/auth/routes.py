from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.auth import throttle
from surveyapp.auth.forms import LoginForm, LogoutForm
from surveyapp.extensions import db
from surveyapp.models import Role, User
from surveyapp.models.base import utcnow

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    # Only local paths: an absolute URL here would turn the login page into an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip()
        remaining = throttle.begin_attempt(username)
        if remaining is not None:
            minutes = max(1, math.ceil(remaining.total_seconds() / 60))
            flash(_("Too many failed attempts. Try again in %(minutes)d min.", minutes=minutes), "error")
            return render_template("auth/login.html", form=form), 429
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is not None and user.active and user.check_password(form.password.data):
            throttle.clear(username)
            user.last_login_at = utcnow()
            login_user(user)
            audit.record("login", "user", user.username, user=user)
            db.session.commit()
            if not request.args.get("next") and user.role == Role.MINISTRY:
                # A ministry comes for the results: the dashboard, not the researchers' start page.
                return redirect(url_for("dashboard.index"))
            return redirect(_safe_next(request.args.get("next")))
        locked = throttle.is_locked(username)
        audit.record("login_failed", "user", username[:80], {"locked": locked})
        db.session.commit()
        flash(_("Wrong username or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    form = LogoutForm()
    if form.validate_on_submit():
        audit.record("logout", "user", current_user.username)
        db.session.commit()
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("main.index"))

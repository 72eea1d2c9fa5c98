"""The application factory: configuration, extensions, blueprints, commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from surveyapp import config, database, errors, i18n, input_checks, logs, security_headers, upload_store
from surveyapp.bundled import data_dir
from surveyapp.extensions import csrf, db, login_manager, migrate

MIGRATIONS_DIR = str(data_dir("migrations"))


def build_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    config.check_production(app.config)
    # Before anything logs: Flask adds its own handler to app.logger only when it finds none above it.
    logs.init_app(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    with app.app_context():
        database.ping_after_idle(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    upload_store.init_app(app)  # before CSRF protection reads a request's body
    csrf.init_app(app)
    _init_login(app)
    i18n.init_app(app)
    errors.init_app(app)
    input_checks.init_app(app)
    security_headers.init_app(app)

    from surveyapp import admin, api, auth, dashboard, main, openrosa, rate_limits, research, respond, workbench

    blueprints = (main.bp, auth.bp, admin.bp, api.bp, openrosa.bp, research.bp, respond.bp, dashboard.bp, workbench.bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    rate_limits.init_app(app)

    from surveyapp.cli import register_commands

    register_commands(app)
    return app


def _init_login(app: Flask) -> None:
    from surveyapp.errors import render_error
    from surveyapp.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    @login_manager.unauthorized_handler
    def unauthorized() -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            return render_error(401)
        flash(str(login_manager.login_message), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

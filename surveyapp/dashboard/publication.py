"""Publishing a year's results to ministries and withdrawing them: a confirmation page before each step."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from surveyapp.access import role_required
from surveyapp.dashboard.routes import _programme, bp
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Role, User
from surveyapp.services import report_files
from surveyapp.services.publish_results import REASON_MAX, describe, publish_run, published_runs, withdraw
from surveyapp.services.reports import latest_run


def _user(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.username if user is not None else _("command line (server)")


def _programme_title(code: str) -> str:
    from flask_babel import get_locale

    names = _programme(code).name.as_dict()
    return names.get(str(get_locale())) or names["ru"]


@bp.app_template_global()
def published_run_of(programme: str, year: int) -> ComputationRun | None:
    """The run ministries see for the year, if any (the scorecard offers to withdraw it)."""
    runs = published_runs(programme, year)
    return runs[0] if runs else None


@bp.route("/<programme>/<int:year>/publish", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def publish(programme: str, year: int) -> ResponseReturnValue:
    plan = _programme(programme)
    run = latest_run(plan.code, year, published_only=False)
    if run is None:
        abort(404)
    back = url_for("dashboard.scorecard", programme=plan.code, year=year)
    if run.published_at is not None:
        flash(_("These results were already published."), "info")
        return redirect(back)
    if request.method == "POST":
        # The page confirmed one run; if another was computed meanwhile, that is not what was confirmed.
        if request.form.get("run", "") != str(run.id):
            flash(_("Newer results were computed after this page was opened: check them and confirm again."), "error")
            return redirect(url_for("dashboard.publish", programme=plan.code, year=year))
        user = current_user._get_current_object()
        publish_run(run, user)
        db.session.commit()
        # Ministries' copies of the reports (without the draft marking), built now rather than on a download.
        report_files.request_build(run, user)
        flash(_("The %(year)d results are published: ministries can see them now.", year=year), "info")
        return redirect(back)
    shown = published_run_of(plan.code, year)
    return render_template(
        "dashboard/publish.html",
        plan=plan,
        year=year,
        title=_programme_title(plan.code),
        run=describe(run),
        replaces=describe(shown) if shown is not None else None,
    )


@bp.route("/<programme>/<int:year>/withdraw", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def withdraw_results(programme: str, year: int) -> ResponseReturnValue:
    plan = _programme(programme)
    shown = published_run_of(plan.code, year)
    back = url_for("dashboard.scorecard", programme=plan.code, year=year)
    if shown is None:
        flash(_("Ministries see no results for %(year)d: there is nothing to withdraw.", year=year), "info")
        return redirect(back)
    reason = request.form.get("reason", "").strip()
    error = None
    if request.method == "POST":
        if not reason:
            error = _("Write why the results are withdrawn: the reason is kept in the audit trail.")
        elif len(reason) > REASON_MAX:
            error = _("The reason is too long (at most %(max)d characters).", max=REASON_MAX)
        else:
            withdraw(plan.code, year, reason, current_user._get_current_object())
            db.session.commit()
            flash(_("The %(year)d results are withdrawn: ministries no longer see this year.", year=year), "info")
            return redirect(back)
    return render_template(
        "dashboard/withdraw.html",
        plan=plan,
        year=year,
        title=_programme_title(plan.code),
        run=describe(shown),
        published_by=_user(shown.published_by_id),
        reason=reason,
        error=error,
        reason_max=REASON_MAX,
    ), (422 if error else 200)

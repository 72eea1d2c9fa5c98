from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from analysis.errors import ProgrammeError
from analysis.programme import Programme, load_programme, load_programmes
from analysis.report import IndicatorReport, ReportData, fmt
from analysis.report.outline.indicator import change_sentences
from analysis.vocabulary import LANGUAGES
from surveyapp.access import role_required
from surveyapp.dashboard.ordering import sort_rows
from surveyapp.dashboard.report_download import serve
from surveyapp.models import Role
from surveyapp.services.dashboard_charts import chart_svg
from surveyapp.services.reports import ReportError, available_years, latest_run, report_data

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

# Survey years this app can hold; any other number in an address is no page (and would overflow the database's
# integer before it could be found missing).
YEARS = range(1900, 2201)


@bp.url_value_preprocessor
def check_year(endpoint: str | None, values: dict[str, object] | None) -> None:
    if values and "year" in values and values["year"] not in YEARS:
        abort(404)


ORDERS = ("value", "name")  # how the reader orders a breakdown table: by value, or alphabetically

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
}


def _drafts_allowed() -> bool:
    """Ministries see published results only; researchers and admins also see drafts."""
    return current_user.role in (Role.RESEARCHER, Role.ADMIN)


def _language() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def _programme(code: str) -> Programme:
    try:
        return load_programme(code)
    except ProgrammeError:
        abort(404)


def _report(plan: Programme, year: int, language: str | None = None) -> ReportData:
    """What this user may see of the year: published results, or for researchers the latest draft too."""
    try:
        return report_data(
            plan.code,
            year,
            language or _language(),
            current_app.config["QUESTIONNAIRES_DIR"],
            published_only=not _drafts_allowed(),
        )
    except ReportError:
        abort(404)


@bp.get("/")
@role_required(Role.MINISTRY, Role.RESEARCHER)
def index() -> ResponseReturnValue:
    drafts = _drafts_allowed()
    programmes = [(p, available_years(p.code, published_only=not drafts)) for p in load_programmes()]
    return render_template("dashboard/index.html", programmes=programmes, drafts=drafts)


@bp.get("/<programme>/<int:year>")
@role_required(Role.MINISTRY, Role.RESEARCHER)
def scorecard(programme: str, year: int) -> ResponseReturnValue:
    plan = _programme(programme)
    data = _report(plan, year)
    drafts = _drafts_allowed()
    years = available_years(plan.code, published_only=not drafts)
    return render_template("dashboard/scorecard.html", plan=plan, data=data, years=years, drafts=drafts)


@bp.get("/<programme>/<int:year>/<code>")
@role_required(Role.MINISTRY, Role.RESEARCHER)
def indicator(programme: str, year: int, code: str) -> ResponseReturnValue:
    plan = _programme(programme)
    drafts = _drafts_allowed()
    data = _report(plan, year)
    item = next((i for i in data.indicators if i.code == code), None)
    if item is None:
        abort(404)
    breakdown = request.args.get("by", "region")
    names = [name for name, _rows in item.ordered_breakdowns()]
    if names and breakdown not in names:
        breakdown = names[0]
    order = request.args.get("order", "value")
    if order not in ORDERS:
        order = "value"
    shown = dict(item.ordered_breakdowns()).get(breakdown, ())
    rows = sort_rows(shown, order, _language(), data.methodology.min_cell_n)
    definition = next((i.definition for i in plan.indicators if i.code == code), None)
    return render_template(
        "dashboard/indicator.html",
        plan=plan,
        data=data,
        item=item,
        breakdown=breakdown,
        breakdowns=names,
        rows=rows,
        order=order,
        orders=ORDERS,
        years=available_years(plan.code, not drafts),
        chart=chart_svg(data, item),
        mode=definition.mode if definition is not None else None,
        # The report's own sentence: the change from the previous year with its CI and status.
        changes=change_sentences(data, item),
    )


@bp.get("/<programme>/<int:year>/report.<language>.<fmt>")
@role_required(Role.MINISTRY, Role.RESEARCHER)
def download(programme: str, year: int, language: str, fmt: str) -> ResponseReturnValue:
    plan = _programme(programme)
    if fmt not in FORMATS or language not in LANGUAGES:
        abort(404)
    # The run this reader sees: published for ministries, the latest (draft or not) for researchers.
    run = latest_run(plan.code, year, published_only=not _drafts_allowed())
    if run is None:
        abort(404)
    return serve(plan, run, language, fmt)


@bp.app_template_global()
def status_symbol(status: str) -> str:
    style = fmt.STATUS_STYLES.get(status)
    return style.symbol if style else "○"


@bp.app_template_global()
def status_label(status: str) -> str:
    # The reports' own wording (analysis/report/texts.py): the dashboard and the PDF never name a status twice.
    return fmt.status_text(status, str(get_locale()))


@bp.app_template_global()
def target_text(item: IndicatorReport, year: int) -> str:
    """The year's target as the reports word it; without one, the final target with its own year."""
    return fmt.full_target_text(item, str(get_locale()), year)


@bp.app_template_global()
def progress_text(item: IndicatorReport, year: int) -> str:
    return fmt.progress_text(item, str(get_locale()), year)


@bp.app_template_global()
def trajectory_label(trajectory: str) -> str:
    # The reports' own wording (analysis/report/texts.py), so the dashboard and the PDF never differ.
    return fmt.trajectory_text(trajectory, str(get_locale()))


@bp.app_template_global()
def breakdown_label(name: str) -> str:
    labels = {
        "region": _("Region"),
        "sex": _("Sex"),
        "age_group": _("Age group"),
        "settlement": _("Settlement type"),
        "mode": _("Mode"),
    }
    return labels.get(name, name)


@bp.app_template_filter("number")
def number(value: float | None, digits: int = 1) -> str:
    """As the reports print it: decimal comma and grouped thousands in kk/ru, a real minus sign."""
    return fmt.number(value, str(get_locale()), digits)


@bp.app_template_global()
def figure(item: IndicatorReport, value: float | None) -> str:
    """A figure of ``item`` with its unit's decimals (a rank or a count has none)."""
    return fmt.number(value, str(get_locale()), fmt.decimals(item.unit, value))


@bp.app_template_global()
def unit_label(item: IndicatorReport) -> str:
    return fmt.unit_text(item.unit, str(get_locale()))

"""`flask reports build` and the dashboard, from stored results of the (small) synthetic demo."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from analysis.programme import absolute_target, load_programme
from analysis.report import build as build_report
from analysis.report.fmt import trajectory_text
from analysis.report.texts import tr
from analysis.status import trajectory_status
from surveyapp.extensions import db
from surveyapp.models import AdminFigure, AuditEvent, ComputationRun, IndicatorResult
from surveyapp.services.reports import report_data
from tests.conftest import AuthActions, invoke, make_user

PROGRAMME = "public_safety_2024_2028"


@pytest.fixture
def computed(app: Flask) -> Flask:
    assert invoke(app, "demo", "init", "--adults", "500", "--pupils", "200")[0] == 0
    for year in ("2024", "2025"):
        code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", year)
        assert code == 0, out
    return app


def national(app: Flask, year: int) -> dict[str, float]:
    with app.app_context():
        run = db.session.scalar(
            select(ComputationRun).where(ComputationRun.year == year).order_by(ComputationRun.id.desc())
        )
        rows = db.session.scalars(
            select(IndicatorResult).where(IndicatorResult.run_id == run.id, IndicatorResult.breakdown == "")
        ).all()
        return {r.indicator: r.estimate for r in rows if r.estimate is not None}


def build(app: Flask, tmp_path: Path, lang: str, fmt: str, *extra: str) -> tuple[int, str, Path]:
    out = tmp_path / f"report_{lang}.{fmt}"
    code, text = invoke(
        app,
        "reports",
        "build",
        "--programme",
        PROGRAMME,
        "--year",
        "2025",
        "--lang",
        lang,
        "--format",
        fmt,
        "--out",
        str(out),
        *extra,
    )
    return code, text, out


def test_no_results_is_a_clear_error(app: Flask, tmp_path: Path) -> None:
    code, out, path = build(app, tmp_path, "ru", "pdf")
    assert (code != 0 and "has no published results" not in out) or "compute them with" in out
    assert "flask indicators compute" in out and not path.exists()


def test_unpublished_results_need_draft(computed: Flask, tmp_path: Path) -> None:
    code, out, _path = build(computed, tmp_path, "ru", "xlsx")
    assert code != 0 and "no published results" in out and "--draft" in out
    code, out, _path = build(computed, tmp_path, "ru", "xlsx", "--draft")
    assert code == 0, out and "DRAFT" in out and "SYNTHETIC" in out
    with computed.app_context():
        assert db.session.query(AuditEvent).filter_by(action="report_build").count() == 1


def test_xlsx_values_equal_the_stored_results(computed: Flask, tmp_path: Path) -> None:
    assert invoke(computed, "indicators", "publish", "--programme", PROGRAMME, "--year", "2025")[0] == 0
    code, out, path = build(computed, tmp_path, "kk", "xlsx")
    assert code == 0, out
    workbook = load_workbook(path, read_only=True)
    numbers = {
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, float | int) and not isinstance(cell, bool)
    }
    stored = national(computed, 2025)
    assert stored and {"A5", "A9", "A12"} <= set(stored)
    for code_, value in stored.items():
        assert any(abs(value - number) < 1e-9 for number in numbers), f"{code_} {value} not in the workbook"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("kk", "Өз ауданында көшеде жалғыз жүргенде өзін қауіпсіз сезінетін адамдар үлесі"),
        ("ru", "безопасн"),
    ],
)
def test_pdf_text_has_names_and_values(computed: Flask, tmp_path: Path, lang: str, name: str) -> None:
    code, out, path = build(computed, tmp_path, lang, "pdf", "--draft")
    assert code == 0, out
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert name.split()[0] in flat
    a5 = national(computed, 2025)["A5"]
    assert f"{a5:.1f}".replace(".", ",") in flat or f"{a5:.1f}" in flat


def test_dashboard_roles_and_publication(computed: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(computed, "saule", "researcher")
    make_user(computed, "dana", "ministry")
    ministry = computed.test_client()
    from tests.conftest import AuthActions as Auth

    Auth(ministry).login("dana")
    assert ministry.get(f"/dashboard/{PROGRAMME}/2025").status_code == 404  # drafts are not for ministries
    index = ministry.get("/dashboard/?lang=en").get_data(as_text=True)
    assert f"/dashboard/{PROGRAMME}/2024" in index and f"/dashboard/{PROGRAMME}/2025" not in index

    auth.login("saule")
    page = client.get(f"/dashboard/{PROGRAMME}/2025?lang=ru").get_data(as_text=True)
    assert "Черновик" in page and "СИНТЕТИЧЕСКИЕ демо-данные" in page and "A5" in page
    indicator = client.get(f"/dashboard/{PROGRAMME}/2025/A5?by=region")
    assert indicator.status_code == 200 and "<svg" in indicator.get_data(as_text=True)
    token_page = client.get(f"/dashboard/{PROGRAMME}/2025").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    assert ministry.post(f"/dashboard/{PROGRAMME}/2025/publish", data={"csrf_token": token}).status_code in {400, 403}
    confirm = client.get(f"/dashboard/{PROGRAMME}/2025/publish").get_data(as_text=True)
    run = re.search(r'name="run" value="(\d+)"', confirm).group(1)
    published = client.post(f"/dashboard/{PROGRAMME}/2025/publish", data={"csrf_token": token, "run": run})
    assert published.status_code == 302
    with computed.app_context():
        events = db.session.query(AuditEvent).filter_by(action="results_publish", actor="saule").all()
        assert [e.object_id for e in events] == [f"{PROGRAMME}/2025"]

    scorecard = ministry.get(f"/dashboard/{PROGRAMME}/2025?lang=kk")
    assert scorecard.status_code == 200 and "Жоба" not in scorecard.get_data(as_text=True)
    assert "Жариялау" not in scorecard.get_data(as_text=True)
    from surveyapp.services.jobs import wait_for_local_jobs

    assert wait_for_local_jobs(120)  # publishing builds the ministries' copies of the reports in a job
    download = ministry.get(f"/dashboard/{PROGRAMME}/2025/report.ru.xlsx")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert ministry.get(f"/dashboard/{PROGRAMME}/2024").status_code == 200  # the demo published 2024
    assert computed.test_client().get("/dashboard/").status_code == 302  # anonymous: sign in first


def test_flagged_cells_are_never_bare_numbers(computed: Flask, client: FlaskClient, auth: AuthActions) -> None:
    code, out = invoke(
        computed, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025", "--max-ci-width", "0.01"
    )
    assert code == 0, out
    make_user(computed, "saule", "researcher")
    auth.login("saule")
    page = client.get(f"/dashboard/{PROGRAMME}/2025/A5?by=sex&lang=en").get_data(as_text=True)
    table = page[page.index("<tbody>", page.index('class="chart"')) :]
    assert "too imprecise" in table and '<td class="num">' not in table.split("</tbody>")[0]


def _reports(app: Flask, year: int, lang: str = "ru") -> dict[str, Any]:
    with app.app_context():
        data = report_data(PROGRAMME, year, lang, app.config["QUESTIONNAIRES_DIR"], published_only=False)
        return {item.code: item for item in data.indicators}


def test_trajectory_toward_the_final_target(computed: Flask) -> None:
    programme = load_programme(PROGRAMME)
    first, latest = national(computed, 2024), national(computed, 2025)
    items = _reports(computed, 2025)
    checked = []
    for indicator in programme.indicators:
        final = indicator.final_target
        if indicator.code not in first or indicator.code not in latest or final.kind.value != "level":
            continue
        expected = trajectory_status(
            {2024: first[indicator.code], 2025: latest[indicator.code]},
            indicator.direction,
            target=final.value,
            target_year=final.year,
        )
        assert items[indicator.code].status.trajectory == expected.status.value, indicator.code
        checked.append(indicator.code)
    assert {"A5", "A9", "A10", "A11"} <= set(checked)
    # One year computed: no trajectory for them (two points are the least a growth rate needs).
    only_2024 = _reports(computed, 2024)
    assert all(only_2024[code].status.trajectory is None for code in checked)


def test_trajectory_of_a_change_target_starts_at_its_base_year(computed: Flask) -> None:
    a1 = load_programme(PROGRAMME).indicator("A1")
    final = a1.final_target
    assert final.kind.value == "change_vs_base" and final.base_year == 2022
    with computed.app_context():
        base = db.session.scalar(
            select(AdminFigure.value).where(
                AdminFigure.indicator == "A1", AdminFigure.year == 2022, AdminFigure.region == ""
            )
        )
    assert base is not None  # the demo imports the 2022 base figure
    expected = trajectory_status(
        {2022: base, 2024: national(computed, 2024)["A1"], 2025: national(computed, 2025)["A1"]},
        a1.direction,
        target=absolute_target(final, base),
        target_year=final.year,
        kind=final.kind,
    )
    assert _reports(computed, 2025)["A1"].status.trajectory == expected.status.value


def test_trajectory_is_shown_on_the_dashboard_and_in_the_workbook(
    computed: Flask, client: FlaskClient, auth: AuthActions, tmp_path: Path
) -> None:
    trajectory = _reports(computed, 2025)["A5"].status.trajectory
    assert trajectory is not None
    make_user(computed, "saule", "researcher")
    auth.login("saule")
    page = client.get(f"/dashboard/{PROGRAMME}/2025/A5?lang=ru").get_data(as_text=True)
    assert "Продвижение к конечной цели" in page
    assert trajectory_text(trajectory, "ru") in page
    code, out, path = build(computed, tmp_path, "kk", "xlsx", "--draft")
    assert code == 0, out
    workbook = load_workbook(path, read_only=True)
    cells = {cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    workbook.close()
    assert trajectory_text(trajectory, "kk") in cells
    assert tr("meth.trajectory_rule", "kk") in cells  # the rule is explained in the methodology


def test_measured_without_a_yearly_target_is_not_no_data(
    computed: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    """A13 and A14 have values but only a 2028 target: "no target this year", the 2028 target under its year."""
    with computed.app_context():
        data = report_data(PROGRAMME, 2025, "ru", computed.config["QUESTIONNAIRES_DIR"], published_only=False)
    by_code = {i.code: i for i in data.indicators}
    for code in ("A13", "A14"):
        item = by_code[code]
        assert item.national.estimate is not None
        assert item.status.status == "no_target", code
        assert item.target is None and item.final_target is not None and item.final_target.year == 2028
        assert item.status.note is None  # the computation's English note stays out of a Russian report
    assert data.status_counts()["no_data"] == sum(1 for i in data.indicators if i.national.estimate is None)
    make_user(computed, "res", "researcher")
    auth.login("res")
    page = client.get(f"/dashboard/{PROGRAMME}/2025/A13?lang=ru").get_data(as_text=True)
    assert tr("status.no_target", "ru") in page and "2028" in page
    assert tr("status.no_data", "ru") not in page


# Latin-script words a Kazakh or Russian report may print: proper names of international indices and
# standards, and the acronyms the programme documents themselves use.
LATIN_NAMES = {"WJP", "Global", "Peace", "Index", "Open", "SDG", "SHA-256", "SHA", "n"}  # n: sample size
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def _latin_words(text: str, allowed: set[str]) -> set[str]:
    text = re.sub(r"[\w\-]+\.(csv|xlsx|yaml|json)\b", " ", text)  # file names are names
    words = set(LATIN_WORD.findall(text))
    return {
        w
        for w in words
        if w not in LATIN_NAMES and w not in allowed and not re.fullmatch(r"[0-9a-f]+", w)  # pieces of a hash
    }


def _report_texts(path: Path, fmt: str) -> str:
    if fmt == "pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if fmt == "xlsx":
        workbook = load_workbook(path)
        return (
            " ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if isinstance(c.value, str))
            + " "
            + " ".join(ws.title for ws in workbook)
        )
    html = path.read_text(encoding="utf-8")
    # What a reader never sees: styles, scripts, the SVG charts' metadata (the drawing library's name).
    html = re.sub(
        r"<(style|script|metadata)\b.*?</\1>|<!--.*?-->|<\?xml.*?\?>|<!DOCTYPE[^>]*>", " ", html, flags=re.S | re.I
    )
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_kazakh_and_russian_reports_print_no_english(computed: Flask, tmp_path: Path) -> None:
    """Every report of every computed programme-year, in kk and ru and every format: no Latin-script word
    outside the names above (the workbook's stable category codes excepted: they are keys, in their own column)."""
    invoke(computed, "indicators", "compute", "--programme", "child_protection_2023_2025", "--year", "2025")
    with computed.app_context():
        runs = {(r.programme, r.year) for r in db.session.scalars(select(ComputationRun))}
    assert len({p for p, _y in runs}) == 2
    found: dict[str, set[str]] = {}
    for programme, year in sorted(runs):
        for lang in ("kk", "ru"):
            with computed.app_context():
                data = report_data(programme, year, lang, computed.config["QUESTIONNAIRES_DIR"], False)
            indicators = {i.code for i in data.indicators}
            codes = {r.category for i in data.indicators for rows in i.breakdowns.values() for r in rows}
            for fmt in ("pdf", "xlsx", "html"):
                path = build_report(data, fmt, tmp_path / f"{programme}_{year}_{lang}.{fmt}")
                words = _latin_words(_report_texts(path, fmt), indicators | (codes if fmt == "xlsx" else set()))
                if words:
                    found[f"{programme} {year} {lang}.{fmt}"] = words
    assert not found, found


def test_dashboard_prints_figures_as_the_reports_do(computed: Flask, client: FlaskClient, auth: AuthActions) -> None:
    """Unit column, decimal comma, ranks without decimals, the run explained, region order chosen by the reader,
    no interval or n columns for administrative figures, a phone-sized scorecard and a readable chart."""
    make_user(computed, "saule", "researcher")
    auth.login("saule")
    page = client.get(f"/dashboard/{PROGRAMME}/2025?lang=ru").get_data(as_text=True)
    assert "Единица измерения" in page and tr("unit.rank", "ru") in page
    with computed.app_context():
        data = report_data(PROGRAMME, 2025, "ru", computed.config["QUESTIONNAIRES_DIR"], published_only=False)
    a5 = next(i for i in data.indicators if i.code == "A5")
    assert f"{a5.national.estimate:.1f}".replace(".", ",") in page  # decimal comma, as in the PDF
    assert "Расчёт № " in page and 'class="table-scroll"' in page and 'data-label="Статус"' in page
    a15 = client.get(f"/dashboard/{PROGRAMME}/2025/A15?lang=ru").get_data(as_text=True)
    assert "65-е место" in a15 and "65,0" not in a15  # a rank has no decimals
    a2 = client.get(f"/dashboard/{PROGRAMME}/2025/A2?lang=ru&by=region").get_data(as_text=True)
    table = a2[a2.index("<table") :]
    assert "ДИ" not in table and ">n<" not in table  # administrative: a complete count
    by_name = client.get(f"/dashboard/{PROGRAMME}/2025/A5?lang=kk&by=region&order=name").get_data(as_text=True)
    by_value = client.get(f"/dashboard/{PROGRAMME}/2025/A5?lang=kk&by=region&order=value").get_data(as_text=True)
    with computed.app_context():
        kk = report_data(PROGRAMME, 2025, "kk", computed.config["QUESTIONNAIRES_DIR"], published_only=False)
    labels = [r.label for r in next(i for i in kk.indicators if i.code == "A5").breakdowns["region"]]

    def order(html: str) -> list[str]:
        body = html[html.index("<tbody", html.index('class="table-scroll"')) :]
        return sorted(
            (label for label in labels if f"<td>{label}</td>" in body),
            key=lambda label: body.index(f"<td>{label}</td>"),
        )

    assert order(by_name) != order(by_value)
    svg = by_value[by_value.index("<svg") : by_value.index("</svg>")]
    sizes = [float(s) for s in re.findall(r"font-size: ?([\d.]+)px", svg) + re.findall(r"font: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 10  # tick labels readable once the chart is scaled to a phone

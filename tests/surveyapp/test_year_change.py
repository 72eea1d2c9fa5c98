"""Year-on-year change in the stored computation and the reports (issue 18, item 1): the national figure's
change from the previous year with its CI (independent samples) and its status, and the annex's wording."""

from __future__ import annotations

import math
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from analysis.programme import load_programme
from analysis.report import build as build_report
from analysis.report import fmt
from analysis.report.texts import tr
from analysis.status import change_status
from analysis.vocabulary import LANGUAGES
from surveyapp.extensions import db
from surveyapp.models import ComputationRun
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


def _national(year: int) -> dict[str, object]:
    run = db.session.scalar(select(ComputationRun).where(ComputationRun.year == year)
                            .order_by(ComputationRun.id.desc()))
    return {r.indicator: r for r in run.results if not r.breakdown}


def test_the_run_stores_the_change_with_its_ci_and_status(computed: Flask) -> None:
    programme = load_programme(PROGRAMME)
    with computed.app_context():
        before, after = _national(2024), _national(2025)
        run = db.session.scalar(select(ComputationRun).where(ComputationRun.year == 2025))
        assert all(p["previous_year"]["year"] == 2024 for p in run.provenance["populations"].values())
        changed = {code: row for code, row in after.items() if (row.details or {}).get("change")}
        assert changed, "the demo's survey indicators should have a change from 2024"
        for code, row in changed.items():
            c = row.details["change"]
            old = before[code]
            assert c["from_year"] == 2024 and c["samples"] == "independent"
            # The stored change is the difference of the two stored figures ...
            assert c["after"] == pytest.approx(row.estimate, rel=1e-12)
            assert c["before"] == pytest.approx(old.estimate, rel=1e-12)
            assert c["change"] == pytest.approx(row.estimate - old.estimate, rel=1e-9, abs=1e-9)
            # ... with the variance of independent years, and a t interval on its df.
            assert c["se"] == pytest.approx(math.hypot(row.se, old.se), rel=1e-9)
            assert c["ci_low"] < c["change"] < c["ci_high"] and c["df"] > 0
            direction = programme.indicator(code).direction
            assert c["status"] == change_status((c["ci_low"], c["ci_high"]), direction).value
        first = db.session.scalar(select(ComputationRun).where(ComputationRun.year == 2024))
        # 2023 has no responses in the demo: the first year stores no change.
        assert not any((r.details or {}).get("change") for r in first.results)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reports_print_the_change_and_how_it_was_judged(computed: Flask, tmp_path: Path, language: str) -> None:
    with computed.app_context():
        data = report_data(PROGRAMME, 2025, language, computed.config["QUESTIONNAIRES_DIR"], published_only=False)
    ind = next(i for i in data.indicators if i.change is not None)
    c = ind.change
    places = fmt.decimals(ind.unit, c.change)
    line = tr("chg.line", language, year=2024, level=fmt.level_text(0.95, language),
              change=fmt.number(c.change, language, places, signed=True),
              low=fmt.number(c.ci_low, language, places, signed=True),
              high=fmt.number(c.ci_high, language, places, signed=True), status=tr(f"chg.{c.status}", language))
    rule = tr("meth.year_change", language, level=fmt.level_text(0.95, language))
    html = unescape(build_report(data, "html", tmp_path / "r.html").read_text(encoding="utf-8"))
    assert line in html and rule in html


A5_2025 = "      2025: {value: 60.0, kind: level}\n"


@pytest.mark.parametrize(("target", "reading"), [("1.0", "relative"), ("-2.0", "points")])
def test_a_survey_change_target_is_judged_on_the_ci_of_the_change(
    computed: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, reading: str
) -> None:
    from analysis import programme as programme_module

    text = (programme_module.PROGRAMME_DIR / f"{PROGRAMME}.yaml").read_text(encoding="utf-8")
    assert text.count(A5_2025) == 1
    changed = text.replace(A5_2025, f"      2025: {{value: {target}, kind: change_vs_previous}}\n")
    # A change target must say how its number applies (the documents do not always): relative or points.
    changed = changed.replace("    targets:\n      2024: {value: 59.0", f"    change_reading: {reading}\n"
                              "    targets:\n      2024: {value: 59.0", 1)
    monkeypatch.setattr(programme_module, "PROGRAMME_DIR", tmp_path)
    (tmp_path / f"{PROGRAMME}.yaml").write_text(changed, encoding="utf-8")
    code, out = invoke(computed, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    with computed.app_context():
        before = _national(2024)["A5"].estimate
        run = db.session.scalar(select(ComputationRun).where(ComputationRun.year == 2025)
                                .order_by(ComputationRun.id.desc()))
        a5 = next(r for r in run.results if r.indicator == "A5" and not r.breakdown)
        judged = run.provenance["change_targets"]["A5"]
        data = report_data(PROGRAMME, 2025, "ru", computed.config["QUESTIONNAIRES_DIR"], published_only=False)
    # The base is the stored 2024 estimate, and the target moves it as the programme says.
    assert judged["base"] == pytest.approx(before, rel=1e-9) and judged["base_year"] == 2024
    expected = before * 1.01 if reading == "relative" else before - 2.0
    assert a5.target == pytest.approx(expected, rel=1e-9)
    assert judged["contrast"] == pytest.approx(a5.estimate - expected, abs=1e-9)
    low, high = judged["ci_low"], judged["ci_high"]
    assert low < judged["contrast"] < high
    # The interval of the change is wider than the year's own: the base year's error counts too.
    assert high - low > a5.ci_high - a5.ci_low
    status = "achieved" if low >= 0 else "not_achieved" if high < 0 else "not_distinguishable"
    assert a5.status == status and a5.details["change_target"] == judged
    assert data.methodology.change_inference == "ci"


def test_a_panel_of_psus_counts_their_covariance_and_the_annex_says_so(
    computed: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import programme as programme_module

    text = (programme_module.PROGRAMME_DIR / f"{PROGRAMME}.yaml").read_text(encoding="utf-8")
    assert text.count("\nindicators:\n") == 1
    monkeypatch.setattr(programme_module, "PROGRAMME_DIR", tmp_path)
    (tmp_path / f"{PROGRAMME}.yaml").write_text(
        text.replace("\nindicators:\n", "\npopulations:\n  adults: {change_samples: panel}\nindicators:\n"),
        encoding="utf-8",
    )
    code, out = invoke(computed, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    with computed.app_context():
        before, after = _national(2024), _national(2025)
        run = db.session.scalar(select(ComputationRun).where(ComputationRun.year == 2025)
                                .order_by(ComputationRun.id.desc()))
        assert run.provenance["populations"]["adults"]["previous_year"]["samples"] == "panel"
        others = [p for name, p in run.provenance["populations"].items() if name != "adults"]
        assert all(p["previous_year"]["samples"] == "independent" for p in others if p.get("previous_year"))
        a5 = after["A5"].details["change"]
        data = report_data(PROGRAMME, 2025, "ru", computed.config["QUESTIONNAIRES_DIR"], published_only=False)
    assert a5["samples"] == "panel"
    assert a5["change"] == pytest.approx(after["A5"].estimate - before["A5"].estimate, rel=1e-9, abs=1e-9)
    # The demo reuses its PSU codes across years: matched PSUs add a covariance, so the SE is no longer
    # the independent years' sqrt(se1^2 + se2^2).
    assert a5["se"] != pytest.approx(math.hypot(after["A5"].se, before["A5"].se), rel=1e-6)
    assert data.methodology.panel_populations == ("население 18 лет и старше",)
    annex_text = unescape(build_report(data, "html", tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "(панель): население 18 лет и старше" in annex_text


def test_a_wrong_change_samples_setting_is_named_with_the_allowed_ones(tmp_path: Path) -> None:
    from analysis import programme as programme_module
    from analysis.errors import ProgrammeError

    text = (programme_module.PROGRAMME_DIR / f"{PROGRAMME}.yaml").read_text(encoding="utf-8")
    path = tmp_path / f"{PROGRAMME}.yaml"
    wrong = "\npopulations:\n  adults: {change_samples: paired}\nindicators:\n"
    path.write_text(text.replace("\nindicators:\n", wrong), encoding="utf-8")
    with pytest.raises(ProgrammeError, match="change_samples: 'paired' is not one of: independent, panel"):
        programme_module.load_programme(path)


def test_the_dashboard_indicator_page_shows_the_change(computed: Flask, client: FlaskClient, auth: AuthActions) -> None:
    from analysis.report.outline.indicator import change_sentences

    with computed.app_context():
        data = report_data(PROGRAMME, 2025, "ru", computed.config["QUESTIONNAIRES_DIR"], published_only=False)
    ind = next(i for i in data.indicators if i.change is not None)
    [sentence] = change_sentences(data, ind)
    make_user(computed, "change_reader", "researcher")
    auth.login("change_reader")
    page = unescape(client.get(f"/dashboard/{PROGRAMME}/2025/{ind.code}?lang=ru").get_data(as_text=True))
    assert sentence in page and "Изменение" in sentence

"""`flask indicators import-admin` and `flask indicators compute` on the (small) synthetic demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from analysis import programme as programme_module
from analysis.report import SinglePSUStrata
from analysis.status import Unassessed
from surveyapp.extensions import db
from surveyapp.models import AdminFigure, ComputationRun, IndicatorResult, MarginSet, ResponseStatus, SurveyResponse
from surveyapp.services.indicators import results_fingerprint
from surveyapp.services.reports import report_data
from tests.conftest import invoke

PROGRAMME = "public_safety_2024_2028"


@pytest.fixture
def demo(app: Flask) -> Flask:
    code, out = invoke(app, "demo", "init", "--adults", "600", "--pupils", "300")
    assert code == 0, out
    return app


def national(app: Flask, run_id: int) -> dict[str, IndicatorResult]:
    with app.app_context():
        rows = db.session.scalars(
            select(IndicatorResult).where(IndicatorResult.run_id == run_id, IndicatorResult.breakdown == "")
        ).all()
        for row in rows:
            db.session.expunge(row)
        return {row.indicator: row for row in rows}


def latest_run(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(ComputationRun.id).order_by(ComputationRun.id.desc()))


def test_compute_every_indicator_with_statuses(demo: Flask) -> None:
    code, out = invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    assert "A5 " in out and "achieved" in out
    rows = national(demo, latest_run(demo))
    expected = {f"A{i}" for i in range(1, 18)} | {"A16b"}
    assert set(rows) == expected  # every indicator of the programme has a row, even without data
    a5 = rows["A5"]
    assert a5.ci_low < a5.estimate < a5.ci_high and a5.n > 300 and a5.deff > 0
    assert a5.target == 60.0 and a5.status in {"achieved", "not_achieved", "not_distinguishable"}
    assert rows["A2"].status in {"achieved", "not_achieved"} and rows["A2"].se is None  # administrative
    assert rows["A15"].status == Unassessed.NO_DATA
    # Measured, with a target only in 2028.
    assert rows["A13"].status == Unassessed.NO_TARGET and rows["A13"].estimate is not None
    with demo.app_context():
        breakdowns = db.session.execute(
            select(
                IndicatorResult.breakdown,
                IndicatorResult.category,
                IndicatorResult.n,
                IndicatorResult.suppressed,
                IndicatorResult.estimate,
            ).where(
                IndicatorResult.run_id == latest_run(demo),
                IndicatorResult.indicator == "A5",
                IndicatorResult.breakdown != "",
            )
        ).all()
        run = db.session.get(ComputationRun, latest_run(demo))
        provenance = run.provenance
    assert {b for b, *_ in breakdowns} == {"region", "sex", "age_group", "settlement"}
    assert len([1 for b, *_ in breakdowns if b == "region"]) == 20
    for _breakdown, _category, n, suppressed, _estimate in breakdowns:
        if n < 30:
            assert suppressed.startswith("suppressed")
    adults = provenance["populations"]["adults"]
    assert adults["versions"] == {"public_safety/2025": adults["versions"]["public_safety/2025"]}
    assert adults["margins"]["synthetic"] is True and len(adults["responses_sha256"]) == 64


def test_recomputing_gives_the_same_numbers(demo: Flask) -> None:
    invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2024")
    first = latest_run(demo)
    invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2024")
    second = latest_run(demo)
    with demo.app_context():
        a, b = db.session.get(ComputationRun, first), db.session.get(ComputationRun, second)
        assert first != second and results_fingerprint(a) == results_fingerprint(b)


def test_small_cells_follow_the_configured_rule(demo: Flask) -> None:
    invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025", "--min-n", "100000")
    with demo.app_context():
        cells = db.session.scalars(
            select(IndicatorResult).where(
                IndicatorResult.run_id == latest_run(demo),
                IndicatorResult.breakdown != "",
                IndicatorResult.se.is_not(None),
            )
        ).all()
        assert cells and all(c.suppressed.startswith("suppressed") for c in cells)


def test_missing_margins_fall_back_to_design_weights_with_a_warning(demo: Flask) -> None:
    with demo.app_context():
        db.session.query(MarginSet).filter_by(population="adults", year=2025).delete()
        db.session.commit()
    code, out = invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    assert "WARNING no population margins for 2025, design weights only" in out
    with demo.app_context():
        run = db.session.get(ComputationRun, latest_run(demo))
        assert run.provenance["populations"]["adults"]["margins"] is None


def one_psu_stratum(app: Flask) -> str:
    """Put every respondent of one stratum in the same PSU, as when a single district of a region answered."""
    with app.app_context():
        responses = db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.status == ResponseStatus.SUBMITTED.value)
        ).all()
        stratum = responses[0].design["stratum"]
        for response in responses:
            if response.design.get("stratum") == stratum:
                response.design = {**response.design, "psu": f"{stratum}_only"}
        db.session.commit()
        return stratum


def test_a_stratum_with_one_psu_is_computed_by_the_adjust_rule_with_a_warning(demo: Flask) -> None:
    stratum = one_psu_stratum(demo)
    code, out = invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    assert (
        f"adults: WARNING 1 stratum/strata with a single PSU ({stratum}): their variance by the lonely-PSU "
        "rule 'adjust'" in out
    )
    a5 = national(demo, latest_run(demo))["A5"]
    assert a5.estimate is not None and a5.se > 0 and a5.status != Unassessed.NO_DATA
    with demo.app_context():
        provenance = db.session.get(ComputationRun, latest_run(demo)).provenance
        annex = report_data(PROGRAMME, 2025, "ru", demo.config["QUESTIONNAIRES_DIR"], published_only=False)
    assert provenance["populations"]["adults"]["lonely_psu"] == {"rule": "adjust", "strata": [stratum]}
    assert any(w.startswith("adults: 1 stratum/strata") and stratum in w for w in provenance["warnings"])
    assert SinglePSUStrata("население 18 лет и старше", "adjust", (stratum,)) in annex.methodology.single_psu


def test_the_programme_file_sets_the_single_psu_rule_per_population(
    demo: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stratum = one_psu_stratum(demo)
    invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    adjusted = national(demo, latest_run(demo))["A5"]
    text = (programme_module.PROGRAMME_DIR / f"{PROGRAMME}.yaml").read_text(encoding="utf-8")
    monkeypatch.setattr(programme_module, "PROGRAMME_DIR", tmp_path)
    se = {}
    for rule in ("certainty", "remove"):
        settings = f"\npopulations:\n  adults: {{lonely_psu: {rule}}}\n"
        (tmp_path / f"{PROGRAMME}.yaml").write_text(text + settings, encoding="utf-8")
        code, out = invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
        assert code == 0 and f"lonely-PSU rule '{rule}'" in out, out
        with demo.app_context():
            provenance = db.session.get(ComputationRun, latest_run(demo)).provenance
        assert provenance["populations"]["adults"]["lonely_psu"] == {"rule": rule, "strata": [stratum]}
        a5 = national(demo, latest_run(demo))["A5"]
        assert a5.estimate == pytest.approx(adjusted.estimate, rel=1e-12)  # the rule changes only the variance
        se[rule] = a5.se
    # One stage only: no variance from the lonely stratum under either rule, some under adjust.
    assert se["remove"] == pytest.approx(se["certainty"], rel=1e-12)
    assert se["remove"] < adjusted.se


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--programme", "nope", "--year", "2025"], "nope"),
        (["--programme", PROGRAMME, "--year", "2031"], "2031 is outside programme"),
    ],
)
def test_bad_requests_are_clear(app: Flask, args: list[str], message: str) -> None:
    code, out = invoke(app, "indicators", "compute", *args)
    assert code != 0 and message in out and "Traceback" not in out


def test_nothing_to_compute_is_an_error(app: Flask) -> None:
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code != 0 and "nothing to compute" in out and "Nothing was stored" in out
    with app.app_context():
        assert db.session.query(ComputationRun).count() == 0


HEADER = "programme,indicator,year,region,count,population,value\n"


def test_import_admin_turns_counts_into_rates(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "stats.csv"
    path.write_text(
        HEADER + f"{PROGRAMME},A2,2022,,45000,20000000,\n{PROGRAMME},A2,2025,astana,3000,1500000,\n"
        f"{PROGRAMME},A1,2025,,1400,,\n",
        encoding="utf-8",
    )
    code, out = invoke(app, "indicators", "import-admin", str(path))
    assert code == 0, out and "Imported 3" in out
    with app.app_context():
        figures = {(f.indicator, f.year, f.region): f.value for f in db.session.scalars(select(AdminFigure))}
    assert figures == pytest.approx({("A2", 2022, ""): 225.0, ("A2", 2025, "astana"): 200.0, ("A1", 2025, ""): 1400.0})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f"{PROGRAMME},A99,2025,,1,,\n", "stats.csv:3: unknown indicator 'A99'"),
        (f"{PROGRAMME},A5,2025,,1,,\n", "A5 is a survey indicator"),
        (f"{PROGRAMME},A2,2030,,1,10,\n", "stats.csv:3: 2030 is outside programme"),
        (f"{PROGRAMME},A2,2025,narnia,1,10,\n", "unknown region 'narnia'"),
        (f"{PROGRAMME},A1,2025,,-4,,\n", "count '-4' is negative"),
        (f"{PROGRAMME},A2,2025,,10,,\n", "give the population the count refers to"),
        (f"{PROGRAMME},A1,2025,,1,,\n{PROGRAMME},A1,2025,,2,,\n", "stats.csv:4: the same indicator, year and region"),
        ("other,A1,2025,,1,,\n", "unknown programme 'other'"),
    ],
)
def test_import_admin_bad_rows(app: Flask, tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "stats.csv"
    path.write_text(HEADER + f"{PROGRAMME},A1,2024,,1000,,\n" + body, encoding="utf-8")
    code, out = invoke(app, "indicators", "import-admin", str(path))
    assert code != 0 and message in out and "Nothing was imported" in out
    with app.app_context():
        assert db.session.query(AdminFigure).count() == 0  # not even the good first row


def test_import_admin_needs_replace_to_change_figures(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "stats.csv"
    path.write_text(HEADER + f"{PROGRAMME},A1,2025,,1400,,\n", encoding="utf-8")
    assert invoke(app, "indicators", "import-admin", str(path))[0] == 0
    path.write_text(HEADER + f"{PROGRAMME},A1,2025,,1500,,\n", encoding="utf-8")
    code, out = invoke(app, "indicators", "import-admin", str(path))
    assert code != 0 and "--replace" in out
    assert invoke(app, "indicators", "import-admin", str(path), "--replace")[0] == 0
    with app.app_context():
        assert db.session.scalar(select(AdminFigure.value)) == 1500.0


def test_responses_withdrawn_after_a_computation_are_left_out_of_the_next_and_counted(demo: Flask) -> None:
    from datetime import UTC, datetime

    from surveyapp.services.withdrawal import withdraw

    invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    with demo.app_context():
        before = db.session.get(ComputationRun, latest_run(demo)).provenance["populations"]["adults"]["responses"]
        chosen = db.session.scalars(
            select(SurveyResponse)
            .where(
                SurveyResponse.status == ResponseStatus.SUBMITTED.value,
                SurveyResponse.submitted_at >= datetime(2025, 1, 1, tzinfo=UTC),
                SurveyResponse.submitted_at < datetime(2026, 1, 1, tzinfo=UTC),
            )
            .order_by(SurveyResponse.id)
            .limit(200)
        ).all()
        adults = [r for r in chosen if r.version.instrument.code == "public_safety" and not r.quality_flags][:4]
        assert len(adults) == 4
        for response in adults:
            assert withdraw(response).after_computation
        db.session.commit()
    invoke(demo, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    with demo.app_context():
        after = db.session.get(ComputationRun, latest_run(demo)).provenance["populations"]["adults"]
        report = report_data(PROGRAMME, 2025, "ru", demo.config["QUESTIONNAIRES_DIR"], published_only=False)
    assert after["excluded"]["withdrawn"] == 4
    assert after["responses"] < before
    assert report.methodology.withdrawn == 4

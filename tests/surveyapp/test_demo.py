"""The synthetic demo: valid under the real questionnaires, reproducible, and labelled as synthetic."""

from __future__ import annotations

from collections import Counter

from flask import Flask

from surveyapp.demo.population import margin_cells, strata_counts
from surveyapp.demo.synthetic import responses
from surveyapp.extensions import db
from surveyapp.models import StoredVersion, SurveyResponse
from surveyapp.questionnaire import load_version, relevant_items, validate_answer
from tests.surveyapp.respond_helpers import QUESTIONNAIRES


def test_synthetic_answers_pass_the_questionnaire_rules() -> None:
    version = load_version(QUESTIONNAIRES / "public_safety" / "2025.yaml")
    sample = list(responses(version, 400, seed=7, year=2025, pupils=False))
    assert 300 < len(sample) < 800  # at least two PSUs in each of the 37 strata, whatever the target
    for synthetic in sample[:150]:
        shown = {item.code: item for item in relevant_items(version, synthetic.answers)}
        for code, value in synthetic.answers.items():
            item = version.item(code)
            if item.type == "calculate":
                continue
            assert code in shown, f"{code} answered although hidden"
            assert validate_answer(item, value, "en", synthetic.answers) == [], (code, value)
        for item in shown.values():
            if item.required:
                assert item.code in synthetic.answers, f"required {item.code} unanswered"
    design = sample[0].design
    assert {"region", "settlement", "sex", "age_group", "stratum", "psu", "base_weight"} <= set(design)


def test_same_seed_same_data() -> None:
    version = load_version(QUESTIONNAIRES / "child_protection" / "2024.yaml")
    first = [r.answers for r in responses(version, 200, seed=3, year=2024, pupils=True)]
    again = [r.answers for r in responses(version, 200, seed=3, year=2024, pupils=True)]
    other = [r.answers for r in responses(version, 200, seed=4, year=2024, pupils=True)]
    assert first == again and first != other


def test_sample_covers_every_region_with_weights() -> None:
    version = load_version(QUESTIONNAIRES / "public_safety" / "2024.yaml")
    sample = list(responses(version, 2000, seed=1, year=2024, pupils=False))
    regions = Counter(r.design["region"] for r in sample)
    assert len(regions) == 20 and min(regions.values()) >= 30
    psus = {r.design["psu"] for r in sample}
    assert len(psus) > 100
    # Base weights add up to the (synthetic) population before nonresponse: responding weights fall short.
    population = sum(strata_counts().values())
    assert 0.5 * population < sum(r.design["base_weight"] for r in sample) < population


def test_margin_cells_cover_the_population() -> None:
    cells = margin_cells()
    assert len(cells) == 37 * 2 * 4  # strata × sex × age group
    assert abs(sum(c["total"] for c in cells) - sum(strata_counts().values())) < len(cells)
    assert sum(c["total"] for c in margin_cells(year=2025)) > sum(c["total"] for c in cells)


def test_demo_init_loads_synthetic_responses(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "init", "--adults", "120", "--pupils", "60"])
    assert result.exit_code == 0, result.output
    assert "public_safety/2024 in 2024:" in result.output and "synthetic" in result.output
    assert "synthetic administrative figures" in result.output and "police_employees 2025" in result.output
    with app.app_context():
        assert db.session.query(StoredVersion).count() >= 7
        rows = db.session.query(SurveyResponse).all()
        assert rows and all(r.mode == "synthetic" and r.paradata["synthetic"] is True for r in rows)
        count = len(rows)
    again = app.test_cli_runner().invoke(args=["demo", "init", "--adults", "120", "--pupils", "60"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.query(SurveyResponse).count() == count  # nothing is added twice

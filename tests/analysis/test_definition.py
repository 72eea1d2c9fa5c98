"""Survey definitions name real items and choices of the shipped questionnaire versions.

The questionnaires are loaded with surveyapp.questionnaire.load_version here, in the test: analysis/ itself
never imports surveyapp and checks definitions against a plain catalogue.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from analysis.definition import (
    Component,
    ItemInfo,
    Measure,
    Statistic,
    SurveyDefinition,
    catalogue_from_version,
    parse_definition,
    resolve_item,
    validate_definition,
)
from analysis.errors import ProgrammeError
from analysis.programme import Source, load_programmes
from surveyapp.questionnaire import load_version

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"


@cache
def catalogue(instrument: str, version: str) -> dict[str, ItemInfo]:
    return catalogue_from_version(load_version(QUESTIONNAIRES / instrument / f"{version}.yaml"))


SURVEY_INDICATORS = [ind for p in load_programmes() for ind in p.indicators if ind.source is Source.SURVEY]
CASES = [
    pytest.param(ind, instrument, version, id=f"{ind.code}-{instrument}-{version}")
    for ind in SURVEY_INDICATORS
    for instrument, version in ind.definition.instruments
]


@pytest.mark.parametrize(("indicator", "instrument", "version"), CASES)
def test_definition_fits_the_shipped_questionnaire(indicator, instrument: str, version: str) -> None:
    assert validate_definition(indicator.definition, instrument, version, catalogue(instrument, version)) == []


def test_every_shipped_version_of_the_survey_instruments_is_covered() -> None:
    covered = {pair for ind in SURVEY_INDICATORS for pair in ind.definition.instruments}
    for instrument in ("public_safety", "child_protection"):
        for path in sorted((QUESTIONNAIRES / instrument).glob("*.yaml")):
            assert (instrument, path.stem) in covered, f"{instrument} {path.stem} has no indicator definition"


def test_the_x_scoring_blocks_name_the_same_items() -> None:
    # The questionnaires document which items serve which indicator (x_scoring); the definitions must agree.
    import yaml

    for ind in SURVEY_INDICATORS:
        for measure in ind.definition.measures:
            for version in measure.versions:
                path = QUESTIONNAIRES / measure.instrument / f"{version}.yaml"
                scoring = yaml.safe_load(path.read_text(encoding="utf-8"))["x_scoring"][ind.code]
                assert sorted(scoring["items"]) == sorted(c.item for c in measure.components), (ind.code, version)


def test_a10_2024_rule_on_the_2025_version_reports_the_replacement() -> None:
    a10 = next(i for i in SURVEY_INDICATORS if i.code == "A10")
    only_2024 = a10.definition.measures[0]
    stretched = dataclasses.replace(
        a10.definition, measures=(dataclasses.replace(only_2024, versions=("2024", "2025")),)
    )
    (problem,) = validate_definition(stretched, "public_safety", "2025", catalogue("public_safety", "2025"))
    assert "'police_effect' was replaced by 'police_effect_score'" in problem
    assert "series break" in problem


def test_catalogue_holds_matrix_rows_and_special_codes() -> None:
    cat = catalogue("public_safety", "2025")
    assert cat["safety_sense.public"].type == "matrix_row"
    assert cat["police_trust"].special == ("dont_know", "refuse")
    assert cat["police_effect_score"].replaces == "police_effect"
    assert cat["safe_dark"].special == ("never_alone_dark", "dont_know", "refuse")


# ---------------------------------------------------------------------------------------------- plain data
CAT = {
    "q": ItemInfo("single_choice", ("yes", "no", "dont_know", "refuse"), ("dont_know", "refuse")),
    "m.r1": ItemInfo("matrix_row", ("a", "b", "refuse"), ("refuse",)),
    "new_q": ItemInfo("scale", ("hi", "lo"), (), renamed_from="old_q"),
    "free": ItemInfo("long_text"),
    "new_m": ItemInfo("matrix", ("a", "b"), (), renamed_from="old_m"),
    "new_m.r1": ItemInfo("matrix_row", ("a", "b"), ()),
}


def _prop(item: str, numerator: tuple[str, ...], exclude: tuple[str, ...] | None = None) -> SurveyDefinition:
    measure = Measure("inst", ("1",), (Component(item, numerator=numerator),), exclude=exclude)
    return SurveyDefinition("adults", Statistic.PROPORTION, "rule", (measure,))


def _score(points: dict[str, float]) -> SurveyDefinition:
    measure = Measure("inst", ("1",), (Component("m.r1", points=tuple(points.items())),), max_points=1, min_valid=1)
    return SurveyDefinition("adults", Statistic.SCORE_MEAN, "rule", (measure,))


@pytest.mark.parametrize(
    ("definition", "version", "message"),
    [
        (_prop("q", ("yes",)), "2", "does not cover inst 2 (it covers: inst 1)"),
        (_prop("gone", ("yes",)), "1", "item 'gone' does not exist in this version"),
        (_prop("q", ("maybe",)), "1", "numerator code 'maybe' is not a choice (choices: yes, no, dont_know, refuse)"),
        (_prop("q", ("dont_know",)), "1", "numerator code 'dont_know' is a special answer"),
        (_prop("q", ("yes",), exclude=("skip",)), "1", "denominator excludes 'skip', which is not a choice"),
        (_prop("free", ("x",)), "1", "is a long_text; a definition needs a single_choice, scale or matrix row"),
        (_score({"a": 1}), "1", "substantive choice 'b' has no points"),
        (_score({"a": 1, "b": 0, "refuse": 0}), "1", "special answer 'refuse' must be missing, not scored"),
        (_score({"a": 1, "b": 0, "c": 2}), "1", "points for 'c', which is not a choice"),
    ],
    ids=["version", "item", "code", "special-numerator", "exclude", "type", "unscored", "scored-special", "extra"],
)
def test_validation_messages(definition: SurveyDefinition, version: str, message: str) -> None:
    problems = validate_definition(definition, "inst", version, CAT)
    assert any(message in p for p in problems), problems


def test_a_rename_is_followed() -> None:
    assert resolve_item("old_q", CAT) == "new_q"
    assert resolve_item("old_m.r1", CAT) == "new_m.r1"
    assert resolve_item("nothing", CAT) is None
    assert validate_definition(_prop("old_q", ("hi",)), "inst", "1", CAT) == []
    assert validate_definition(_score({"a": 1, "b": 0}), "inst", "1", CAT) == []


_MODE_DEFINITION = {
    "population": "adults",
    "statistic": "proportion",
    "rule": "rule",
    "measures": [{"instrument": "inst", "versions": ["1"], "components": [{"item": "q", "numerator": ["yes"]}]}],
}


def test_a_definition_can_count_one_mode_only() -> None:
    assert parse_definition(_MODE_DEFINITION, "test").mode is None
    assert parse_definition(dict(_MODE_DEFINITION, mode="interviewer"), "test").mode == "interviewer"
    assert parse_definition(dict(_MODE_DEFINITION, mode="web"), "test").mode == "web"


@pytest.mark.parametrize("mode", ["phone", "Web", 1, ""])
def test_a_wrong_mode_is_named_with_the_allowed_ones(mode: object) -> None:
    with pytest.raises(ProgrammeError) as error:
        parse_definition(dict(_MODE_DEFINITION, mode=mode), "ps.yaml: indicators[A5].definition")
    assert str(error.value) == (
        f"ps.yaml: indicators[A5].definition.mode: {mode!r} is not a mode of collection "
        "(expected one of: web, interviewer)"
    )

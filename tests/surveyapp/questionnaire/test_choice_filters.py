"""General choice_filter conditions: read from YAML, checked by the validator, applied by the server, the same in
the browser's interpreter, imported from XLSForm and written back to it."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from surveyapp.questionnaire import load_version, routing
from surveyapp.questionnaire.choice_filters import on_offer
from surveyapp.questionnaire.errors import ExpressionError, InvalidQuestionnaireError
from surveyapp.questionnaire.expression import Expression
from surveyapp.questionnaire.expression_json import expression_json
from surveyapp.questionnaire.xlsform import write_xlsform
from surveyapp.questionnaire.xlsform_import import import_xlsform
from surveyapp.questionnaire.xlsform_import.expressions import choice_filter_columns

from .choice_filter_fixture import filtered_questionnaire
from .test_xlsform_import import _book

SCRIPT = Path(__file__).resolve().parents[3] / "surveyapp" / "static" / "js" / "relevance.js"


def _codes(version: Any, code: str, answers: dict[str, Any]) -> list[str]:
    return [c.code for c in on_offer(version.item(code), answers)]


def test_a_condition_narrows_the_choices_by_columns_and_answers(write: Callable[..., Path]) -> None:
    version = load_version(write(filtered_questionnaire()))
    assert version.item("used").choice_condition is not None and version.item("used").choice_filter is None
    assert _codes(version, "used", {"kind": "state", "age": 40}) == ["police", "court"]
    assert _codes(version, "used", {"kind": "state", "age": 20}) == ["police"]
    assert _codes(version, "used", {"kind": "private", "age": 20}) == ["ngo"]
    assert _codes(version, "used", {"kind": "private", "age": 16}) == []
    assert _codes(version, "used", {"age": 40}) == []  # nothing chosen yet: a comparison with null is false
    assert _codes(version, "best", {"used": ["court", "ngo"]}) == ["court", "ngo"]
    # The cascade keeps working beside it.
    assert _codes(version, "district", {"region": "astana"}) == ["esil", "saryarka"]


def test_the_server_refuses_a_choice_that_is_not_on_offer(write: Callable[..., Path]) -> None:
    version = load_version(write(filtered_questionnaire()))
    used = version.item("used")
    assert routing.validate_answer(used, ["court"], "ru", {"kind": "state", "age": 20}) != []
    assert routing.validate_answer(used, ["police"], "ru", {"kind": "state", "age": 20}) == []
    best = version.item("best")
    assert routing.validate_answer(best, "lawyer", "kk", {"used": ["police"]}) != []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("choice.kinds = kind", "choice_filter reads choice.kinds, but no choice of list 'services' has that column"),
        ("kind = 'state'", "choice_filter never reads the choice"),
        ("choice = kind", "choice_filter reads 'choice' without a column"),
        ("choice.kind = nowhere", "choice_filter refers to unknown item 'nowhere'"),
        ("selected(used, police) and choice.kind = 'x'", "choice_filter: 'police' in selected() is not quoted"),
    ],
)
def test_mistakes_in_a_condition_are_said_with_the_line(write: Callable[..., Path], rule: str, message: str) -> None:
    document = yaml.safe_load(filtered_questionnaire())
    items = document["sections"][1]["items"]
    target = items[1] if "selected(used" not in rule else items[2]
    target["choice_filter"] = rule
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    with pytest.raises(InvalidQuestionnaireError) as error:
        load_version(write(text))
    problems = [p for p in error.value.problems if message in p.message]
    assert problems, [p.message for p in error.value.problems]
    line = text.splitlines()[problems[0].line - 1]
    assert "choice_filter" in line


def test_bad_columns_are_said(write: Callable[..., Path]) -> None:
    document = yaml.safe_load(filtered_questionnaire())
    document["choice_lists"]["services"][0]["columns"] = {"parent": "x", "ok": [1, 2]}
    with pytest.raises(InvalidQuestionnaireError) as error:
        load_version(write(yaml.safe_dump(document, allow_unicode=True, sort_keys=False)))
    messages = [p.message for p in error.value.problems]
    assert "choice 'police': 'parent' cannot be a column name" in messages
    assert "choice 'police': column 'ok' must be one text, number or true/false" in messages


def test_selected_with_a_computed_code() -> None:
    rule = Expression.parse("selected(used, choice.name)")
    assert rule.is_true({"used": ["a", "b"], "choice": {"name": "b"}})
    assert not rule.is_true({"used": ["a"], "choice": {"name": "b"}})
    assert not rule.is_true({"used": None, "choice": {"name": "b"}})
    assert Expression.parse("selected(one, pick)").is_true({"one": "x", "pick": "x"})
    with pytest.raises(ExpressionError):
        Expression.parse("selected(used, )")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_offers_the_same_choices(write: Callable[..., Path]) -> None:
    version = load_version(write(filtered_questionnaire()))
    cases = []
    for kind in ("state", "private", None):
        for age in (12, 18, 20, 25, 70, None):
            for used in (["police"], ["court", "ngo"], None):
                cases.append({"kind": kind, "age": age, "used": used})
    trees, expected = [], []
    for code in ("used", "best"):
        item = version.item(code)
        tree = expression_json(item.choice_condition)
        for answers in cases:
            for choice in item.choices.choices:  # type: ignore[union-attr]
                trees.append([tree, {**answers, "choice": choice.filter_values()}])
            expected.extend(c in on_offer(item, answers) for c in item.choices.choices)  # type: ignore[union-attr]
    program = (
        "global.window = {}; global.document = { querySelector: () => null };\n"
        f"require({json.dumps(str(SCRIPT))});\n"
        f"const cases = {json.dumps(trees)};\n"
        "console.log(JSON.stringify(cases.map(([t, a]) => window.surveyLogic.truthy("
        "window.surveyLogic.evaluate(t, a, null)))));\n"
    )
    found = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True, timeout=30)
    assert json.loads(found.stdout) == expected
    assert any(expected) and not all(expected)


def test_xlsform_spelling_of_a_condition() -> None:
    assert choice_filter_columns("filter=${kind} and min_age <= ${age}") == (
        "choice.filter=${kind} and choice.min_age <= ${age}",
        {"filter", "min_age"},
    )
    assert choice_filter_columns("selected(${used}, name) and not(name = 'x') or kind != \"a b\"")[0] == (
        "selected(${used}, choice.name) and not(choice.name = 'x') or choice.kind != \"a b\""
    )
    rule = Expression.parse("choice.kind = kind and selected(used, choice.name) and choice.code != 'x'")
    assert rule.to_xlsform(choice_filter=True) == "kind = ${kind} and selected(${used}, name) and name != 'x'"


def test_an_xlsform_with_general_filters_imports_exports_and_converts(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "filters.xlsx",
        {
            "survey": [
                ["type", "name", "label::Kazakh (kk)", "label::Russian (ru)", "choice_filter"],
                ["integer", "age", "Жасы", "Возраст"],
                ["select_one kinds", "kind", "Түрі", "Тип"],
                ["select_multiple services", "used", "Қайда?", "Куда?", "kind=${kind} and min_age <= ${age}"],
                ["select_one services", "best", "Ең жақсы", "Лучшая", "selected(${used}, name)"],
            ],
            "choices": [
                ["list_name", "name", "label::Kazakh (kk)", "label::Russian (ru)", "kind", "min_age", "note"],
                ["kinds", "state", "Мемлекеттік", "Государственные"],
                ["kinds", "private", "Жеке", "Частные"],
                ["services", "police", "Полиция", "Полиция", "state", 14, "x"],
                ["services", "court", "Сот", "Суд", "state", 18],
                ["services", "ngo", "ҮЕҰ", "НКО", "private", 14],
            ],
        },
    )
    imported = import_xlsform(path, "filters", "1")
    assert imported.errors == [], imported.errors
    document = yaml.safe_load(imported.yaml_text)
    items = {i["code"]: i for s in document["sections"] for i in s["items"]}
    assert items["used"]["choice_filter"] == "choice.kind=kind and choice.min_age <= age"
    assert items["best"]["choice_filter"] == "selected(used, choice.name)"
    police = document["choice_lists"]["services"][0]
    # kind is compared with a choice code, so it stays text; min_age with the number age, so it is a number.
    assert police["columns"] == {"kind": "state", "min_age": 14}
    # The column no filter reads is still reported; the ones a filter reads are not.
    warnings = [str(p) for p in imported.problems]
    assert any("column 'note' is not imported" in w for w in warnings)
    assert not any("column 'kind'" in w or "column 'min_age'" in w for w in warnings)
    # What the workbook lacks and the researcher adds before the draft loads: consent and Russian titles.
    document["consent"] = {"mode": "adult", "text": {"kk": "Жасырын сауалнама.", "ru": "Анонимный опрос."}}
    document["title"] = {"kk": "Сүзгілер", "ru": "Фильтры"}
    document["sections"][0]["title"] = {"kk": "Негізгі", "ru": "Основное"}
    target = tmp_path / "questionnaires" / "filters" / "1.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    version = load_version(target)
    assert _codes(version, "used", {"kind": "state", "age": 16}) == ["police"]
    out = tmp_path / "back.xlsx"
    write_xlsform(version, out)
    book = openpyxl.load_workbook(out)
    survey = [[c.value for c in row] for row in book["survey"].iter_rows()]
    header = survey[0]
    filters = {row[header.index("name")]: row[header.index("choice_filter")] for row in survey[1:]}
    assert filters["used"] == "kind = ${kind} and min_age <= ${age}"
    assert filters["best"] == "selected(${used}, name)"
    choices = [[c.value for c in row] for row in book["choices"].iter_rows()]
    assert "kind" in choices[0] and "min_age" in choices[0]
    pyxform = pytest.importorskip("pyxform")
    from pyxform.xls2xform import convert

    xml = convert(xlsform=str(out)).xform
    assert "min_age" in xml and pyxform is not None

"""if, concat, regex, selected_at, today, now, coalesce, string_length, substr, round, int, number and choice_name:
parsed, evaluated, written to XLSForm, imported from it, and evaluated the same way by the browser's
interpreter (static/js/relevance.js, run here with node)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from surveyapp.questionnaire import load_version
from surveyapp.questionnaire.errors import ExpressionError
from surveyapp.questionnaire.expression import Expression
from surveyapp.questionnaire.expression_json import expression_json

from .conftest import readme_example

SCRIPT = Path(__file__).resolve().parents[3] / "surveyapp" / "static" / "js" / "relevance.js"
ANSWERS: dict[str, Any] = {"age": 34, "name": "Айгүл", "iin": "900101300123", "seen": ["theft", "fraud"],
                           "one": "fraud", "share": 2.0,
                           "emoji": "a\U0001F600", "age_text": "42", "amount": "12.5",
                           "members": [{"m_age": 30, "m_victim": "yes"}, {"m_age": 5}, {"m_age": 2.5}],
                           "__position__": 2,
                           "__choice_names__": {"seen": {"theft": "Ұрлық", "fraud": "Алаяқтық"},
                                                "one": {"theft": "Ұрлық", "fraud": "Алаяқтық"}}}  # fmt: skip
CASES: list[tuple[str, Any]] = [
    ("if(age >= 18, 'adult', 'child')", "adult"),
    ("count(members)", 3),
    ("count(missing)", 0),
    ("sum(m_age)", 37.5),
    ("sum(m_victim)", 0),
    ("sum(missing)", 0),
    ("indexed_repeat(m_age, members, 2)", 5),
    ("indexed_repeat(m_victim, members, 2)", None),
    ("indexed_repeat(m_age, members, 4)", None),
    ("indexed_repeat(m_victim, members, position() - 1) = 'yes'", True),
    ("position()", 2),
    ("if(missing > 1, 1, 0)", 0),
    ("if(answered(missing), missing, age) + 1", 35),
    ("concat(name, ', ', age)", "Айгүл, 34"),
    ("concat(seen)", "theft fraud"),
    ("concat(missing, share, true)", "2true"),
    ("regex(iin, '^[0-9]{12}$')", True),
    ("regex(name, '^[0-9]+$')", False),
    ("regex(missing, '.*')", False),
    ("regex(age, '^3')", True),
    ("selected_at(seen, 1)", "fraud"),
    ("selected_at(seen, 5)", None),
    ("selected_at(one, 0) = 'fraud'", True),
    ("count_selected(seen) = 2 and selected_at(seen, 0) = 'theft'", True),
    ("today() >= '2000-01-01'", True),
    ("now() > today()", True),
    ("coalesce(missing, name)", "Айгүл"),
    ("coalesce(missing, missing)", None),
    ("coalesce(age, name)", 34),
    ("string_length(name)", 5),
    ("string_length(missing)", 0),
    ("string_length(emoji)", 2),
    ("string_length(iin) = 12", True),
    ("substr(iin, 0, 2)", "90"),
    ("substr(iin, 10)", "23"),
    ("substr(name, 3, 100)", "үл"),
    ("substr(emoji, 1, 2)", "\U0001f600"),
    ("substr(name, 4, 2)", ""),
    ("substr(missing, 0, 2)", ""),
    ("round(2.5)", 3),
    ("round(-2.5)", -3),
    ("round(share / 3, 2)", 0.67),
    ("round(1234, -2)", 1200),
    ("round(missing)", None),
    ("int(-3.7)", -3),
    ("int(age_text) + 1", 43),
    ("int(name)", None),
    ("number(amount)", 12.5),
    ("number(true)", 1),
    ("number(name)", None),
    ("number(' 7 ') * 2", 14),
    ("choice_name(one, one)", "Алаяқтық"),
    ("choice_name(selected_at(seen, 0), seen)", "Ұрлық"),
    ("concat(choice_name(one, one), '!')", "Алаяқтық!"),
    ("choice_name('nope', one)", None),
    ("choice_name(missing, one)", None),
    ("choice_name(one, age)", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_server_values(text: str, expected: Any) -> None:
    assert Expression.parse(text).evaluate(ANSWERS) == expected


def test_today_is_the_iso_date() -> None:
    assert Expression.parse("today()").evaluate({}) == dt.date.today().isoformat()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_gives_the_same_values() -> None:
    trees = [expression_json(Expression.parse(text)) for text, _ in CASES]
    program = (
        "global.window = {}; global.document = { querySelector: () => null };\n"
        f"require({json.dumps(str(SCRIPT))});\n"
        f"const trees = {json.dumps(trees)}; const answers = {json.dumps(ANSWERS)};\n"
        "console.log(JSON.stringify(trees.map((t) => window.surveyLogic.evaluate(t, answers, null))));\n"
    )
    found = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True, timeout=30)
    assert json.loads(found.stdout) == [expected for _, expected in CASES]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("if(age > 1, 2)", "if() takes 3 argument(s), got 2"),
        ("concat()", "concat() takes at least 1 argument(s), got 0"),
        ("regex(name, pattern)", "regex() takes its pattern as a quoted constant"),
        ("regex(name, '[0-9')", "regex() pattern '[0-9'"),
        ("today(1)", "today() takes 0 argument(s), got 1"),
        ("coalesce(age)", "coalesce() takes at least 2 argument(s), got 1"),
        ("substr(name)", "substr() takes 2 to 3 argument(s), got 1"),
        ("round(age, 1, 2)", "round() takes 1 to 2 argument(s), got 3"),
        ("now(1)", "now() takes 0 argument(s), got 1"),
        ("choice_name(one, 'one')", "choice_name() takes the question whose choices it reads"),
        ("choice_name(one)", "choice_name() takes 2 argument(s), got 1"),
    ],
)
def test_misuse_is_said_precisely(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as error:
        Expression.parse(text)
    assert error.value.message.startswith(message)


def test_xlsform_spelling() -> None:
    text = "if(selected_at(seen, 0) = 'theft', concat(name, '!'), today()) != '' and regex(iin, '^[0-9]+$')"
    assert Expression.parse(text).to_xlsform() == (
        "if(selected-at(${seen}, 0) = 'theft', concat(${name}, '!'), today()) != '' and regex(${iin}, '^[0-9]+$')"
    )


def test_choice_name_without_labels_in_the_context_is_null() -> None:
    assert Expression.parse("choice_name(one, one)").evaluate({"one": "fraud"}) is None


def test_choice_name_is_written_as_jr_choice_name() -> None:
    text = "choice_name(selected_at(seen, 0), seen) != 'Ұрлық'"
    assert Expression.parse(text).to_xlsform() == "jr:choice-name(selected-at(${seen}, 0), '${seen}') != 'Ұрлық'"


def test_a_questionnaire_using_them_validates_and_routes(write: Callable[..., Path]) -> None:
    document = yaml.safe_load(readme_example())
    items = [
        {"code": "iin", "type": "text", "label": {"kk": "ЖСН", "ru": "ИИН"}, "constraint": "regex(., '^[0-9]{12}$')",
         "constraint_message": {"kk": "12 цифр жазыңыз.", "ru": "Введите 12 цифр."}},
        {"code": "kind", "type": "calculate", "calculation": "if(age >= 60, 'senior', concat('age ', age))"},
        {"code": "why", "type": "text", "label": {"kk": "Неге?", "ru": "Почему?"},
         "relevant": "selected_at(victim_types, 0) = 'theft'"},
    ]  # fmt: skip
    document["sections"].append({"code": "more", "title": {"kk": "Тағы", "ru": "Ещё"}, "items": items})
    version = load_version(write(yaml.safe_dump(document, allow_unicode=True, sort_keys=False)))
    item = version.item("iin")
    assert item.constraint is not None and not item.constraint.is_true({}, "12ab")
    assert version.item("why").relevant.is_true({"victim_types": ["theft"]})  # type: ignore[union-attr]

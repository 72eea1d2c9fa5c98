"""The syntax trees the browser interprets: every node kind, and their JSON round trip."""

from __future__ import annotations

import json

import pytest

from surveyapp.questionnaire.expression import Expression
from surveyapp.questionnaire.expression_json import expression_json


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("age >= 18", [">=", ["name", "age", None], ["lit", 18]]),
        ("q = 'yes'", ["=", ["name", "q", None], ["lit", "yes"]]),
        ("trust.police != 'dont_know'", ["!=", ["name", "trust", "police"], ["lit", "dont_know"]]),
        ("not answered(q)", ["not", ["call", "answered", ["name", "q", None], None]]),
        ("selected(., 'a')", ["call", "selected", ["cur"], "a"]),
        ("count_selected(m) > 1", [">", ["call", "count_selected", ["name", "m", None], None], ["lit", 1]]),
        ("-x + 2.5 * y", ["+", ["neg", ["name", "x", None]], ["*", ["lit", 2.5], ["name", "y", None]]]),
        ("a or b and true", ["or", ["name", "a", None], ["and", ["name", "b", None], ["lit", True]]]),
        ("(a - b) / 2", ["/", ["-", ["name", "a", None], ["name", "b", None]], ["lit", 2]]),
    ],
)
def test_tree(text: str, tree: list[object]) -> None:
    assert expression_json(Expression.parse(text)) == tree


def test_no_expression() -> None:
    assert expression_json(None) is None


def test_survives_json_with_kazakh_text() -> None:
    tree = expression_json(Expression.parse("name = 'Әлия' and n <= 0.5"))
    assert json.loads(json.dumps(tree, ensure_ascii=False)) == tree

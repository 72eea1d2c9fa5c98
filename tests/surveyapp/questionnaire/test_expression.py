from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveyapp.questionnaire import Expression, ExpressionError

ANSWERS = {"age": 30, "region": "astana", "victims": ["theft", "fraud"], "trust": {"police": "full"}, "none": None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("age >= 18", True),
        ("age < 18", False),
        ("age + 2 * 5 = 40", True),
        ("(age + 2) * 5 = 160", True),
        ("age / 0", None),
        ("-age < 0", True),
        ("region = 'astana'", True),
        ('region != "almaty"', True),
        ("selected(region, 'astana')", True),
        ("selected(victims, 'fraud')", True),
        ("selected(victims, 'burglary')", False),
        ("count_selected(victims)", 2),
        ("count_selected(none)", 0),
        ("answered(none)", False),
        ("answered(age) and not answered(missing)", True),
        ("trust.police = 'full'", True),
        ("selected(trust.police, 'full')", True),
        ("missing = 1", False),
        ("missing != 1", False),  # an unanswered item compares as null: every comparison is false
        ("not (missing = 1)", True),
        ("missing + 1", None),
        ("age = '30'", False),  # no silent conversion between text and numbers
        ("true and false or true", True),
        ("1 < 2 and 3 >= 3.0", True),
    ],
)
def test_evaluate(text: str, expected: Any) -> None:
    assert Expression.parse(text).evaluate(ANSWERS) == expected


def test_current_answer() -> None:
    rule = Expression.parse(". >= 0 and . <= 120")
    assert rule.is_true({}, 5)
    assert not rule.is_true({}, 121)
    assert Expression.parse("not (selected(., 'none') and count_selected(.) > 1)").is_true({}, ["a", "b"])
    assert not Expression.parse("not (selected(., 'none') and count_selected(.) > 1)").is_true({}, ["none", "b"])


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("age == 1", "'==' is not an operator", "single '='"),
        ("${age} > 1", "${...}", "bare item code"),
        ("age 18", "unexpected text", "and"),
        ("selected(a)", "quoted choice code", ""),
        ("foo(x)", "unknown function 'foo'", "selected"),
        ("(age > 1", "expected ')'", ""),
        ("1 < 2 < 3", "cannot be chained", ""),
        ("", "empty expression", ""),
        ("'abc", "unterminated string", ""),
        ("age > 1 and", "expected a value", ""),
        ("selected(1, 'a')", "item code as its first argument", ""),
        ("age # 1", "unexpected character", ""),
    ],
)
def test_syntax_errors(text: str, message: str, hint: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        Expression.parse(text)
    assert message in caught.value.message
    assert hint in caught.value.hint


def test_equality_ignores_spacing_and_xlsform_export() -> None:
    assert Expression.parse("age>=18") == Expression.parse(" age >= 18 ")
    rule = Expression.parse("selected(v, 'yes') and (age + 1) / 2 > 3 or answered(trust.police)")
    assert rule.to_xlsform() == "selected(${v}, 'yes') and (${age} + 1) div 2 > 3 or ${trust_police} != ''"
    assert Expression.parse("not (a = 1)").to_xlsform() == "not(${a} = 1)"
    assert [n.ref for n in rule.names()] == ["v", "age", "trust.police"]


@given(st.text(alphabet="ab().,'<>=!+-*/ 12 selectdnort_", max_size=30))
def test_parser_only_raises_expression_error(text: str) -> None:
    try:
        expression = Expression.parse(text)
    except ExpressionError:
        return
    expression.evaluate(ANSWERS)


@given(
    st.dictionaries(
        st.sampled_from(["a", "b"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=3), st.lists(st.text(max_size=2), max_size=3)),
    )
)
def test_evaluation_never_fails(answers: dict[str, Any]) -> None:
    for text in ("a + b > 1", "a = b", "selected(a, 'x') or count_selected(b) = 2", "-a / b", "not a"):
        Expression.parse(text).evaluate(answers)

"""The registry's contract: every registered type implements the whole protocol and its example item survives
YAML -> model -> form input -> stored answer -> XLSForm -> YAML. Parametrized over QUESTION_TYPES, so a new
type is covered as soon as it is registered."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import render_template_string
from jinja2 import Environment, FileSystemLoader, nodes

from surveyapp import create_app
from surveyapp.questionnaire import QuestionnaireVersion, load_version, validate_answer, validate_page
from surveyapp.questionnaire.model import Choice, Item
from surveyapp.questionnaire.question_types import (
    COMMON_KEYS,
    QUESTION_TYPES,
    XLSFORM_SELECTS,
    QuestionType,
    xlsform_import_type,
)
from surveyapp.questionnaire.xlsform import write_xlsform
from surveyapp.questionnaire.xlsform_import import import_xlsform

from .conftest import readme_example

TEMPLATES = Path(__file__).resolve().parents[3] / "surveyapp" / "templates"
VALUE_KINDS = {None, "code", "codes", "number", "text", "date", "rows", "any"}
TYPES = list(QUESTION_TYPES.values())
IDS = list(QUESTION_TYPES)
PROBE = "probe"


def _field_macros() -> set[str]:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    assert env.loader is not None
    source = env.loader.get_source(env, "questionnaire/fields.html")[0]
    return {macro.name for macro in env.parse(source).find_all(nodes.Macro)}


def _with_probe(qtype: QuestionType) -> dict[str, Any]:
    """The README's complete example with one more page holding the type's example item."""
    document = yaml.safe_load(readme_example())
    item = {"code": PROBE, "type": qtype.name, "label": {"kk": "Сынақ сұрақ", "ru": "Пробный вопрос"}}
    document["sections"].append(
        {"code": "probe_page", "title": {"kk": "Сынақ", "ru": "Проба"}, "items": [item | qtype.example()]}
    )
    return document


def _load(write: Callable[..., Path], document: dict[str, Any]) -> QuestionnaireVersion:
    return load_version(write(yaml.safe_dump(document, allow_unicode=True, sort_keys=False)))


@pytest.mark.parametrize("qtype", TYPES, ids=IDS)
def test_type_implements_the_protocol(qtype: QuestionType) -> None:
    assert QUESTION_TYPES[qtype.name] is qtype
    assert qtype.field == "" or qtype.field in _field_macros(), f"no macro {qtype.field!r} in fields.html"
    assert qtype.shown == bool(qtype.field)
    assert qtype.value_kind in VALUE_KINDS
    assert qtype.xlsform_type
    assert not (qtype.keys & COMMON_KEYS), "keys are the ones beyond COMMON_KEYS"
    assert set(qtype.example()) <= qtype.allowed_keys
    assert qtype.uses_choices == ("choices" in qtype.keys)
    assert not qtype.design_groups or qtype.design_source
    assert not qtype.cascade_parent or qtype.uses_choices
    # Every XLSForm word a type answers to leads back to that type, or to a more specific one of its words.
    for word in qtype.xlsform_names:
        found = xlsform_import_type(word, qtype.xlsform_appearance, numeric_values=qtype.choice_values)
        assert found is qtype, f"{word!r} imports as {found and found.name}"
        assert (word in XLSFORM_SELECTS) == qtype.uses_choices


@pytest.mark.parametrize("qtype", TYPES, ids=IDS)
def test_example_item_round_trips(qtype: QuestionType, write: Callable[..., Path], tmp_path: Path) -> None:
    document = _with_probe(qtype)
    version = _load(write, document)
    item = version.item(PROBE)
    assert item.type == qtype.name
    assert qtype.check(item) == []

    answer = qtype.example_answer(item)
    if qtype.has_answer and qtype.shown:
        assert answer is not None, "a type with an answer gives an example answer"
        form = qtype.form_input(item, answer)
        assert qtype.coerce(item, qtype.read_form(item, form)) == answer
        page = validate_page(version, "probe_page", form, {}, "kk")
        assert page.errors == {}
        assert page.answers == {PROBE: answer}
        assert set(form) <= _control_names(qtype, item, answer), "the field draws the controls read_form reads"
        # A page shown again draws every field from what was sent, as it was sent.
        shown_again = qtype.redisplay(item, form)
        assert shown_again is not None and qtype.coerce(item, shown_again) == answer
        assert qtype.is_complete(item, answer)
        exported = qtype.export_values(item, answer)
        assert list(exported) == qtype.export_columns(item)
        assert any(value is not None for value in exported.values())
    else:
        assert answer is None
        assert qtype.form_input(item, None) == {}

    choices = list(item.choices.choices) if item.choices else []
    rng = random.Random(1)  # noqa: S311 - a reproducible draw, not a secret
    demo = qtype.demo_answer(item, choices, rng, lambda options, shift: _first(options))
    assert demo is None or validate_answer(item, qtype.coerce(item, demo), "kk", {}) == []

    workbook = tmp_path / "probe.xlsx"
    write_xlsform(version, workbook)
    imported = import_xlsform(workbook, version.instrument, version.version, version.population)
    assert imported.problems == []
    back = yaml.safe_load(imported.yaml_text)
    # What XLSForm has no place for is added back by hand, as a researcher would after an import.
    back["title"] = document["title"]
    again = _load(write, back).item(PROBE)
    assert again.type == qtype.name
    assert qtype.xlsform_rows(again) == qtype.xlsform_rows(item)
    if answer is not None:
        assert qtype.coerce(again, qtype.read_form(again, qtype.form_input(again, answer))) == answer


def _control_names(qtype: QuestionType, item: Item, value: Any) -> set[str]:
    """The names of the controls that the type's field macro draws for the item."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    page = (
        '{% import "questionnaire/fields.html" as fields with context %}'
        "{{ fields[qtype.field](item, qtype, 'kk', value, None, choices) }}"
    )
    choices = list(item.choices.choices) if item.choices else []
    with app.test_request_context("/"):
        html = render_template_string(page, qtype=qtype, item=item, value=value, choices=choices)
    return set(re.findall(r'name="([^"]+)"', html))


def _first(options: list[Choice]) -> str:
    return options[0].code

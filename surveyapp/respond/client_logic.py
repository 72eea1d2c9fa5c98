"""What the page's script needs to show follow-up questions as the respondent answers (static/js/respond.js).

The server stays the authority: it prunes hidden answers and checks every rule again on submit. The script
only spares a round trip, so it gets the page's rules as syntax trees (one parser, in Python) and only the
earlier answers those rules read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from surveyapp.questionnaire import routing
from surveyapp.questionnaire.choice_filters import CHOICE
from surveyapp.questionnaire.choice_names import choice_names
from surveyapp.questionnaire.expression import Expression, Name
from surveyapp.questionnaire.expression_json import expression_json
from surveyapp.questionnaire.messages import render
from surveyapp.questionnaire.model import Item, QuestionnaireVersion, Section
from surveyapp.questionnaire.question_types import question_type


def _expressions(item: Item) -> list[Expression]:
    rules = (item.relevant, item.calculation, item.constraint, item.choice_condition)
    return [e for e in rules if e is not None]


def _checks(item: Item, language: str) -> dict[str, Any]:
    """The answer checks the browser repeats, with their messages in the respondent's language; a designer's
    constraint message beats the generic one, as on the server."""
    qtype = question_type(item)
    designed = item.constraint_message.get(language) if item.constraint_message else ""
    checks: dict[str, Any] = {}
    if item.constraint is not None:
        checks["constraint"] = expression_json(item.constraint)
        checks["constraint_message"] = designed or render("constraint", language)
    if qtype.value_kind == "number":
        integer = bool(getattr(qtype, "integer", False))
        checks["number"] = "integer" if integer else "decimal"
        checks["number_message"] = render("integer" if integer else "number", language)
        for key in ("min", "max"):
            bound = getattr(item, key)
            if bound is not None:
                checks[key] = bound
                checks[f"{key}_message"] = designed or render(key, language, **{key: bound})
    if qtype.value_kind == "codes" and item.max_choices:
        checks["max_choices"] = item.max_choices
        checks["max_choices_message"] = render("max_choices", language, max_choices=item.max_choices)
    return checks


def page_logic(
    version: QuestionnaireVersion, section: Section, answers: Mapping[str, Any], language: str
) -> dict[str, Any]:
    """The page's items in order with their rules, and the earlier answers that those rules refer to."""
    page_codes = {item.code for item in section.items}
    if section.repeat is not None:
        # The rules hold per instance (the script reads each instance's fields, <repeat>.<n>.<item>); the
        # earlier answers they read are those before this page, as in the server's routing.instance_context.
        page_codes.add(section.code)
    items = []
    for item in section.items:
        qtype = question_type(item)
        entry: dict[str, Any] = {"code": item.code, "kind": qtype.value_kind, "shown": bool(qtype.shown)}
        if qtype.field == "rank":
            entry["kind"] = "rank"  # codes, read from one drop-down per place (<code>.1, <code>.2, ...)
        if not qtype.has_answer:
            entry["kind"] = None
        if item.relevant is not None:
            entry["relevant"] = expression_json(item.relevant)
        if item.calculation is not None:
            entry["calculation"] = expression_json(item.calculation)
        if qtype.shown and qtype.has_answer:
            entry |= _checks(item, language)
        if item.choice_condition is not None and item.choices is not None:
            # The options this page offers, each as the condition reads it (choice.<column>).
            entry["choice_filter"] = expression_json(item.choice_condition)
            entry["choice_values"] = {c.code: c.filter_values() for c in item.choices.choices}
        items.append(entry)
    referenced = (
        {
            name.code
            for item in section.items
            for e in _expressions(item)
            for name in e.names()
            if isinstance(name, Name)
        }
        - page_codes
        - {CHOICE}
    )
    earlier = routing.prune_hidden(
        version, {code: value for code, value in answers.items() if code not in page_codes}, language
    )
    logic: dict[str, Any] = {
        "items": items,
        "answers": {code: earlier[code] for code in sorted(referenced) if code in earlier},
    }
    names = choice_names(version, language)
    if names:  # the labels choice_name() gives, in the page's language, as the server's rules read them
        logic["choice_names"] = names
    if section.repeat is not None:
        logic["repeat"] = section.code
    return logic


def page_logic_json(version: QuestionnaireVersion, section: Section, answers: Mapping[str, Any], language: str) -> str:
    """For a data attribute (Jinja escapes it); compact, and Kazakh letters kept as they are."""
    return json.dumps(page_logic(version, section, answers, language), ensure_ascii=False, separators=(",", ":"))

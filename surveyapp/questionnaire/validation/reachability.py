"""Which sections and items can never be shown: every combination of the answers a rule reads is tried."""

from __future__ import annotations

import itertools
from typing import Any, Final

from ..expression import Apply, Binary, Expression, Name, Node, Unary, walk
from ..model import Item, QuestionnaireVersion
from ..question_types import QUESTION_TYPES

# Past this many answer combinations a rule is assumed satisfiable rather than tried.
_MAX_COMBINATIONS: Final = 20000


class _Unknown(Exception):
    """The rule uses something whose possible values cannot be listed; assume it can be true."""


def _domain(item: Item, literals: list[Any], arithmetic: bool) -> list[Any]:
    values = QUESTION_TYPES[item.type].possible_values(item, literals, arithmetic)
    if values is None:
        raise _Unknown
    return values


def _rows_domain(item: Item) -> list[Any]:
    if item.choices is None:
        raise _Unknown
    return [None, *item.choices.codes]


def _has_arithmetic_on(node: Node, code: str) -> bool:
    for sub in walk(node):
        arithmetic = isinstance(sub, Binary) and sub.op in ("+", "-", "*", "/")
        if arithmetic and any(isinstance(n, Name) and n.code == code for n in walk(sub)):
            return True
        if isinstance(sub, Unary) and sub.op == "-" and any(isinstance(n, Name) for n in walk(sub)):
            return True
    return False


def can_be_true(expressions: list[Expression], items: dict[str, Item], never_shown: set[str]) -> bool:
    """Whether some answers make every expression true (answers to never-shown items are always null)."""
    if any(isinstance(n, Apply) and n.function == "choice_name" for e in expressions for n in walk(e.node)):
        return True  # a label depends on the respondent's language: its values are not listed here
    names: dict[str, Name] = {}
    literals: list[Any] = []
    for expression in expressions:
        for name in expression.names():
            names.setdefault(name.ref, name)
        literals += [literal.value for literal in expression.literals()]
    domains: dict[str, list[Any]] = {}
    try:
        for ref, name in names.items():
            item = items.get(name.code)
            if item is None:
                raise _Unknown
            if name.code in never_shown:
                domains[ref] = [None]
            elif name.row is not None:
                domains[ref] = _rows_domain(item)
            else:
                arithmetic = any(_has_arithmetic_on(e.node, name.code) for e in expressions)
                domains[ref] = _domain(item, literals, arithmetic)
    except _Unknown:
        return True
    total = 1
    for values in domains.values():
        total *= len(values)
        if total > _MAX_COMBINATIONS:
            return True
    refs = list(domains)
    for combination in itertools.product(*(domains[ref] for ref in refs)):
        answers: dict[str, Any] = {}
        for ref, value in zip(refs, combination, strict=True):
            if "." in ref:
                code, row = ref.split(".", 1)
                answers.setdefault(code, {})
                if value is not None:
                    answers[code][row] = value
            else:
                answers[ref] = value
        if all(expression.is_true(answers) for expression in expressions):
            return True
    return False


def find_unreachable(version: QuestionnaireVersion) -> dict[str, str]:
    """Codes of sections and items that can never be shown, with the reason."""
    items = {item.code: item for item in version.items}
    never: dict[str, str] = {}
    for section in version.sections:
        section_rules = [section.relevant] if section.relevant else []
        if section_rules and not can_be_true(section_rules, items, set(never)):
            never[section.code] = "its relevant rule can never be true"
            for item in section.items:
                never[item.code] = f"its section {section.code!r} is never shown"
            continue
        for item in section.items:
            if item.relevant is None:
                continue
            if not can_be_true([*section_rules, item.relevant], items, set(never)):
                hidden = sorted({n.code for n in item.relevant.names() if n.code in never})
                reason = (
                    f"its relevant rule depends on items that are never shown: {', '.join(hidden)}"
                    if hidden
                    else "its relevant rule can never be true"
                )
                never[item.code] = reason
    return never

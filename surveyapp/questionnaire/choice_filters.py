"""Which choices an item offers given the earlier answers: a cascade (each choice's parent is the answer to
another item) or a general condition over the choice's columns (XLSForm's choice_filter).

In a condition, `choice.<column>` is the choice being tried (`choice.name` its code, as XLSForm spells it) and
bare names are answers, as everywhere else. The browser (static/js/relevance.js) narrows the options with the
same condition and the same `choice` mapping, so both read a filter alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from .model import Choice, Item

CHOICE: Final = "choice"  # the name a condition reads the choice under; no item may be called this


def offers(item: Item, choice: Choice, answers: Mapping[str, Any]) -> bool:
    if item.choice_filter:
        return choice.parent == answers.get(item.choice_filter)
    if item.choice_condition is not None:
        return item.choice_condition.is_true({**answers, CHOICE: choice.filter_values()})
    return True


def on_offer(item: Item, answers: Mapping[str, Any]) -> list[Choice]:
    if item.choices is None:
        return []
    return [choice for choice in item.choices.choices if offers(item, choice, answers)]


def filter_items(item: Item) -> set[str]:
    """The items whose answers decide what is on offer."""
    if item.choice_filter:
        return {item.choice_filter}
    if item.choice_condition is not None:
        return {name.code for name in item.choice_condition.names() if name.code != CHOICE}
    return set()


def all_offered(item: Item, codes: Iterable[str], answers: Mapping[str, Any]) -> bool:
    if item.choices is None:
        return True
    found = [item.choices.get(code) for code in codes]
    return all(choice is not None and offers(item, choice, answers) for choice in found)

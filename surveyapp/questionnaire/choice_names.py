"""The choice labels that choice_name() (XLSForm's jr:choice-name) reads, in the respondent's language.

They travel in the rules' context under CHOICE_NAMES_KEY, as a repeat instance's position does, and only for
the questions some rule names that way, so a form without choice_name() carries nothing more.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

from .expression import Apply, Expression, Name, walk
from .expression.functions import CHOICE_NAMES_KEY
from .model import QuestionnaireVersion

_ITEMS: dict[str, frozenset[str]] = {}
_lock = threading.Lock()


def _rules(version: QuestionnaireVersion) -> Iterator[Expression]:
    for section in version.sections:
        yield from (e for e in (section.relevant,) if e is not None)
        if section.repeat is not None and isinstance(section.repeat.count, Expression):
            yield section.repeat.count
        for item in section.items:
            rules = (item.relevant, item.constraint, item.calculation, item.choice_condition)
            yield from (e for e in rules if e is not None)


def choice_name_items(version: QuestionnaireVersion) -> frozenset[str]:
    """The questions whose labels some rule reads with choice_name(); cached by content, which never changes."""
    found = _ITEMS.get(version.sha256)
    if found is None:
        found = frozenset(
            node.args[1].code
            for rule in _rules(version)
            for node in walk(rule.node)
            if isinstance(node, Apply) and node.function == "choice_name" and isinstance(node.args[1], Name)
        )
        with _lock:
            _ITEMS[version.sha256] = found
    return found


def choice_names(version: QuestionnaireVersion, language: str | None) -> dict[str, dict[str, str]]:
    """item code -> choice code -> label in `language` (the version's first language when None, as ODK takes
    the default language), for the questions choice_name() reads."""
    language = language if language in version.languages else version.languages[0]
    names: dict[str, dict[str, str]] = {}
    for code in sorted(choice_name_items(version)):
        try:
            item = version.item(code)
        except KeyError:
            continue
        if item.choices is not None:
            names[code] = {choice.code: choice.label.get(language) for choice in item.choices.choices}
    return names


def with_choice_names(
    version: QuestionnaireVersion, answers: Mapping[str, Any], language: str | None
) -> dict[str, Any]:
    """The answers as the rules' context, with the labels choice_name() reads when the version uses it."""
    names = choice_names(version, language)
    return {**answers, CHOICE_NAMES_KEY: names} if names else dict(answers)


def without_choice_names(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {code: value for code, value in answers.items() if code != CHOICE_NAMES_KEY}

"""Design variables (region, sex, age group, ...) read from a response's answers, as declared by the version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import DesignVariable, QuestionnaireVersion


def group_label(bounds: tuple[int | float | None, int | float | None]) -> str:
    low, high = bounds
    if high is None:
        return f"{low}+"
    if low is None:
        return f"<={high}"
    return f"{low}-{high}"


def group_of(variable: DesignVariable, value: Any) -> str | None:
    """The age-group style label of a number, or None when it falls in no group."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    for low, high in variable.groups:
        if (low is None or value >= low) and (high is None or value <= high):
            return group_label((low, high))
    return None


def design_from_answers(version: QuestionnaireVersion, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Values of the variables with `source: item`; variables whose item was not answered are left out."""
    values: dict[str, Any] = {}
    for variable in version.design_variables:
        if variable.source != "item" or variable.item is None:
            continue
        value = answers.get(variable.item)
        if variable.groups:
            value = group_of(variable, value)
        if value is not None:
            values[variable.name] = value
    return values

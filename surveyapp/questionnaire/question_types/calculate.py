"""A hidden calculation: its value comes from a rule over earlier answers, never from the respondent."""

from __future__ import annotations

from typing import Any

from ..model import Item
from .base import QuestionType, TypeIssue


class Calculate(QuestionType):
    name = "calculate"
    field = ""
    xlsform_type = "calculate"
    xlsform_names = frozenset({"calculate"})
    keys = frozenset({"calculation"})
    shown = False
    value_kind = "any"
    design_source = True
    design_groups = True

    @property
    def allowed_keys(self) -> frozenset[str]:
        return frozenset(
            {"code", "type", "label", "calculation", "relevant", "renamed_from", "replaces", "xlsform_name"}
        )

    def example(self) -> dict[str, Any]:
        return {"calculation": "1 + 1"}

    def check(self, item: Item) -> list[TypeIssue]:
        if item.calculation is None:
            return [TypeIssue("has no calculation", 'add `calculation: "..."`', "calculation")]
        return []

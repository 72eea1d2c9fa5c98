"""Rows sharing one scale. The answer is a mapping row code -> choice code."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from typing import Any

from ..errors import AnswerError
from ..model import Choice, Item
from .base import FormData, PickChoice, QuestionType, TypeIssue, blank, example_choices, form_values, xlsform_texts
from .choices import choice_list_issues, choice_value


class Matrix(QuestionType):
    """Rows sharing one scale. The answer is a mapping row code -> choice code."""

    name = "matrix"
    field = "grid"
    # A group of select_one rows, which the importer recognises as a whole; no single row is a matrix.
    xlsform_type = "begin_group"
    keys = frozenset({"choices", "rows"})
    uses_choices = True
    choice_values = True
    value_kind = "rows"

    def check(self, item: Item) -> list[TypeIssue]:
        issues = choice_list_issues(item.choices, needs_values=self.choice_values)
        if not item.rows:
            issues.append(TypeIssue("has no rows", "add `rows: [{code: ..., label: {kk: ..., ru: ...}}]`", "rows"))
        return issues

    def read_form(self, item: Item, form: FormData) -> Any:
        # Rows come as `item.row` fields from the page, or already nested from an API client.
        nested = form.get(item.code)
        if isinstance(nested, Mapping):
            return dict(nested)
        return {row.code: next(iter(form_values(form, f"{item.code}.{row.code}")), None) for row in item.rows}

    def form_input(self, item: Item, value: Any) -> dict[str, list[str]]:
        return {f"{item.code}.{row}": [code] for row, code in (value or {}).items()}

    def example(self) -> dict[str, Any]:
        rows = [
            {"code": "day", "label": {"kk": "Күндіз", "ru": "Днём"}},
            {"code": "night", "label": {"kk": "Түнде", "ru": "Ночью"}},
        ]
        return {"choices": example_choices(values=True), "rows": rows}

    def example_answer(self, item: Item) -> Any:
        return {"day": "good", "night": "dont_know"}

    def redisplay(self, item: Item, form: FormData) -> Any:
        # The rows answered so far come back even while others are still missing.
        typed = self.read_form(item, form)
        return {row: code for row, code in typed.items() if isinstance(code, str) and code.strip()}

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if not isinstance(raw, Mapping):
            raise AnswerError("not_a_choice")
        answer = {}
        for row in item.rows:
            value = raw.get(row.code)
            if not blank(value):
                if not isinstance(value, str):
                    raise AnswerError("not_a_choice")
                answer[row.code] = value.strip()
        return answer or None

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        codes = item.choices.codes if item.choices else ()
        rows = {row.code for row in item.rows}
        if any(key not in rows or code not in codes for key, code in value.items()):
            return [AnswerError("not_a_choice")]
        return []

    def demo_answer(self, item: Item, choices: list[Choice], rng: random.Random, pick: PickChoice) -> Any:
        # Each row drifts a little from the respondent's level, as real answers to a grid do.
        return {row.code: pick(choices, rng.gauss(0, 0.5)) for row in item.rows}

    def is_complete(self, item: Item, value: Any) -> bool:
        return isinstance(value, Mapping) and all(not blank(value.get(row.code)) for row in item.rows)

    def export_columns(self, item: Item) -> list[str]:
        return [name for row in item.rows for name in (f"{item.code}_{row.code}", f"{item.code}_{row.code}_value")]

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for row in item.rows:
            code = value.get(row.code) if isinstance(value, Mapping) else None
            result[f"{item.code}_{row.code}"] = code
            result[f"{item.code}_{row.code}_value"] = choice_value(item, code) if code else None
        return result

    def xlsform_rows(self, item: Item) -> list[dict[str, str]]:
        group: dict[str, str] = {"type": "begin_group", "name": item.code, "appearance": "field-list"}
        group |= xlsform_texts("label", item.label) | xlsform_texts("hint", item.hint)
        if item.relevant:
            group["relevant"] = item.relevant.to_xlsform()
        list_name = item.choices.name if item.choices else ""
        rows = [group]
        for row in item.rows:
            line: dict[str, str] = {"type": f"select_one {list_name}", "name": f"{item.code}_{row.code}"}
            line |= xlsform_texts("label", row.label)
            if item.required:
                line["required"] = "yes"
            rows.append(line)
        rows.append({"type": "end_group", "name": item.code})
        return rows

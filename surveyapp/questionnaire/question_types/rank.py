"""Options put in order (XLSForm's `rank`): the answer is every choice's code, first place first.

The page draws one drop-down per place ("Place 1", "Place 2", ...), so it works without JavaScript and with a
screen reader; dragging is no better on a 360-px phone. A partial order is not an answer: ODK asks for all."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from ..errors import AnswerError
from ..model import Choice, Item
from .base import FormData, PickChoice, QuestionType, TypeIssue, blank, example_choices, form_values
from .choices import choice_list_issues


def _places(item: Item) -> int:
    return len(item.choices.choices) if item.choices else 0


class Rank(QuestionType):
    name = "rank"
    field = "rank"
    xlsform_type = "rank"
    xlsform_names = frozenset({"rank"})
    keys = frozenset({"choices"})
    uses_choices = True
    # selected(), count-selected() and selected-at(q, 0) (the first place) read it as a list of codes.
    value_kind = "codes"

    def check(self, item: Item) -> list[TypeIssue]:
        issues = choice_list_issues(item.choices, needs_values=False)
        if item.choices is not None and len(item.choices.choices) < 2:
            issues.append(TypeIssue("needs at least two choices to put in order", "add choices", "choices"))
        return issues

    def read_form(self, item: Item, form: FormData) -> Any:
        found = [next(iter(form_values(form, f"{item.code}.{n}")), "") for n in range(1, _places(item) + 1)]
        return found if any(v.strip() for v in found) else None

    def form_input(self, item: Item, value: Any) -> dict[str, list[str]]:
        return {} if value is None else {f"{item.code}.{n}": [code] for n, code in enumerate(value, start=1)}

    def redisplay(self, item: Item, form: FormData) -> Any:
        # The places chosen so far come back after an error (a place left empty, a choice twice).
        return self.read_form(item, form)

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
            raise AnswerError("not_a_choice")
        codes = [v.strip() for v in raw]
        if not all(codes):
            raise AnswerError("rank_all")
        if len(set(codes)) != len(codes):
            raise AnswerError("rank_twice")
        return codes

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        if item.choices is None or any(code not in item.choices.codes for code in value):
            return [AnswerError("not_a_choice")]
        if len(value) != _places(item):
            return [AnswerError("rank_all")]
        return []

    def example(self) -> dict[str, Any]:
        return {"choices": example_choices(values=False)}

    def example_answer(self, item: Item) -> Any:
        return ["bad", "good", "dont_know"]

    def demo_answer(self, item: Item, choices: list[Choice], rng: random.Random, pick: PickChoice) -> Any:
        if item.choices is None or len(choices) != _places(item):
            return None  # a filtered list cannot be put in order in full
        codes = [c.code for c in choices]
        rng.shuffle(codes)
        return codes

    def is_complete(self, item: Item, value: Any) -> bool:
        return isinstance(value, list) and len(value) == _places(item)

    def export_columns(self, item: Item) -> list[str]:
        # One column per place holding the code put there: <code>_rank1 is the first place.
        return [f"{item.code}_rank{n}" for n in range(1, _places(item) + 1)]

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        value = value or []
        return {column: value[n] if n < len(value) else None for n, column in enumerate(self.export_columns(item))}

    def xlsform_rows(self, item: Item) -> list[dict[str, str]]:
        rows = super().xlsform_rows(item)
        rows[0]["type"] = f"rank {item.choices.name if item.choices else ''}".strip()
        return rows

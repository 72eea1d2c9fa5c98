"""Answers picked from a choice list: one code, a scale with values, or several codes."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from typing import Any, Final

from ..errors import AnswerError
from ..model import Choice, ChoiceList, Item
from .base import FormData, PickChoice, QuestionType, TypeIssue, blank, example_choices, form_values, is_number

_COUNT: Final = re.compile(r"^count-selected\(\s*\.\s*\)\s*(>=|<=)\s*(\d+)$")
_EXCLUSIVE: Final = re.compile(
    r"^not\(\s*selected\(\s*\.\s*,\s*'([^']+)'\s*\)\s*and\s*count-selected\(\s*\.\s*\)\s*>\s*1\s*\)$"
)


def choice_list_issues(choices: ChoiceList | None, needs_values: bool) -> list[TypeIssue]:
    if choices is None:
        return [TypeIssue("has no choices", "add `choices:` with a list name or an inline list", "choices")]
    issues = []
    if needs_values:
        for choice in choices.choices:
            if not choice.special and not is_number(choice.value):
                issues.append(
                    TypeIssue(
                        f"choice {choice.code!r} of list {choices.name!r} has no numeric value",
                        "give every non-special choice a `value:` (e.g. 1..5), or use type single_choice",
                        "choices",
                    )
                )
    return issues


def choice_value(item: Item, code: str) -> int | float | None:
    choice = item.choices.get(code) if item.choices else None
    return choice.value if choice else None


class SingleChoice(QuestionType):
    name = "single_choice"
    field = "choice"
    xlsform_type = "select_one"
    xlsform_names = frozenset({"select_one", "select1"})
    keys = frozenset({"choices", "choice_filter"})
    uses_choices = True
    value_kind = "code"
    design_source = True
    cascade_parent = True

    def check(self, item: Item) -> list[TypeIssue]:
        return choice_list_issues(item.choices, needs_values=self.choice_values)

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if isinstance(raw, list | tuple):
            if len(raw) != 1:
                raise AnswerError("not_a_choice")
            raw = raw[0]
        if not isinstance(raw, str):
            raise AnswerError("not_a_choice")
        return raw.strip()

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        if item.choices is None or value not in item.choices.codes:
            return [AnswerError("not_a_choice")]
        return []

    def example(self) -> dict[str, Any]:
        return {"choices": example_choices(values=self.choice_values)}

    def example_answer(self, item: Item) -> Any:
        return "good"

    def demo_answer(self, item: Item, choices: list[Choice], rng: random.Random, pick: PickChoice) -> Any:
        return pick(choices, 0.0) if choices else None

    def possible_values(self, item: Item, literals: list[Any], arithmetic: bool) -> list[Any] | None:
        return None if item.choices is None else [None, *item.choices.codes]

    def xlsform_rows(self, item: Item) -> list[dict[str, str]]:
        rows = super().xlsform_rows(item)
        rows[0]["type"] = f"{self.xlsform_type} {item.choices.name if item.choices else ''}".strip()
        return rows


class MultipleChoice(SingleChoice):
    name = "multiple_choice"
    field = "checkboxes"
    xlsform_type = "select_multiple"
    xlsform_names = frozenset({"select_multiple"})
    keys = frozenset({"choices", "choice_filter", "min_choices", "max_choices"})
    value_kind = "codes"
    design_source = False
    cascade_parent = False

    def check(self, item: Item) -> list[TypeIssue]:
        issues = choice_list_issues(item.choices, needs_values=False)
        low, high = item.min_choices, item.max_choices
        for key, bound in (("min_choices", low), ("max_choices", high)):
            if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool) or bound < 1):
                issues.append(TypeIssue(f"{key} must be a positive integer", "e.g. 1", key))
        if isinstance(low, int) and isinstance(high, int) and low > high:
            issues.append(TypeIssue("min_choices is larger than max_choices", "swap them", "min_choices"))
        if item.choices and isinstance(low, int) and low > len(item.choices.choices):
            issues.append(TypeIssue("min_choices is larger than the number of choices", "", "min_choices"))
        return issues

    def read_form(self, item: Item, form: FormData) -> Any:
        return form_values(form, item.code)

    def form_input(self, item: Item, value: Any) -> dict[str, list[str]]:
        return {} if value is None else {item.code: list(value)}

    def example(self) -> dict[str, Any]:
        return {"choices": example_choices(values=False), "min_choices": 1, "max_choices": 2}

    def example_answer(self, item: Item) -> Any:
        return ["good", "bad"]

    def redisplay(self, item: Item, form: FormData) -> Any:
        # Every tick comes back, also the fourth of four where three are allowed.
        return [value for value in form_values(form, item.code) if value.strip()]

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            raise AnswerError("not_a_choice")
        chosen = {v.strip() for v in values if v.strip()}
        order = item.choices.codes if item.choices else ()
        # Stored in list order so that equal answers are equal lists.
        return [code for code in order if code in chosen] + sorted(chosen - set(order)) or None

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        if item.choices is None or any(code not in item.choices.codes for code in value):
            return [AnswerError("not_a_choice")]
        errors = []
        for code in value:
            choice = item.choices.get(code)
            if choice and choice.is_exclusive and len(value) > 1:
                errors.append(AnswerError("exclusive", label=choice.label))
        if item.min_choices and len(value) < item.min_choices:
            errors.append(AnswerError("min_choices", min_choices=item.min_choices))
        if item.max_choices and len(value) > item.max_choices:
            errors.append(AnswerError("max_choices", max_choices=item.max_choices))
        return errors

    def demo_answer(self, item: Item, choices: list[Choice], rng: random.Random, pick: PickChoice) -> Any:
        regular = [c for c in choices if not c.special and not c.exclusive]
        exclusive = [c for c in choices if c.exclusive]
        if exclusive and rng.random() < 0.35:
            return [exclusive[0].code]
        picked = rng.sample(regular, k=min(len(regular), rng.choice((1, 1, 2, 3))))
        return [c.code for c in choices if c in picked]

    def possible_values(self, item: Item, literals: list[Any], arithmetic: bool) -> list[Any] | None:
        if item.choices is None or len(item.choices.codes) > 8:
            return None
        codes = item.choices.codes
        subsets = itertools.chain.from_iterable(itertools.combinations(codes, n) for n in range(1, len(codes) + 1))
        return [None, *(list(s) for s in subsets)]

    def export_columns(self, item: Item) -> list[str]:
        return [f"{item.code}_{code}" for code in (item.choices.codes if item.choices else ())]

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        codes = item.choices.codes if item.choices else ()
        if not value:
            return {f"{item.code}_{code}": None for code in codes}
        return {f"{item.code}_{code}": int(code in value) for code in codes}

    def read_xlsform_bound(self, part: str) -> dict[str, Any] | None:
        if match := _COUNT.match(part):
            return {"min_choices" if match.group(1) == ">=" else "max_choices": int(match.group(2))}
        if match := _EXCLUSIVE.match(part):
            # Not an item key: the importer marks the choice exclusive in its list.
            return {"exclusive": {match.group(1)}}
        return None

    def bound_constraints(self, item: Item) -> list[str]:
        parts = []
        for choice in item.choices.choices if item.choices else ():
            if choice.is_exclusive:
                parts.append(f"not(selected(., '{choice.code}') and count-selected(.) > 1)")
        if item.min_choices:
            parts.append(f"count-selected(.) >= {item.min_choices}")
        if item.max_choices:
            parts.append(f"count-selected(.) <= {item.max_choices}")
        return parts


class Scale(SingleChoice):
    name = "scale"
    keys = frozenset({"choices"})
    xlsform_appearance = "likert"
    css_class = "item-scale"
    choice_values = True
    cascade_parent = False

    def export_columns(self, item: Item) -> list[str]:
        return [item.code, f"{item.code}_value"]

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        return {item.code: value, f"{item.code}_value": choice_value(item, value) if value else None}

    def imports_xlsform(self, kind: str, appearance: str, numeric_values: bool) -> bool:
        return numeric_values and super().imports_xlsform(kind, appearance, numeric_values)

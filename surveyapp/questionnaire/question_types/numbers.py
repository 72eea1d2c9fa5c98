"""Integer and decimal answers, read with a decimal comma and bounded by min and max."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import re
from typing import Any, ClassVar, Final

from ..errors import AnswerError
from ..model import Choice, Item
from .base import PickChoice, QuestionType, TypeIssue, blank, is_number

_BOUND: Final = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")


class _Number(QuestionType):
    keys = frozenset({"min", "max"})
    value_kind = "number"
    integer: ClassVar[bool] = False
    inputmode: ClassVar[str] = "decimal"  # which keyboard a phone offers
    design_source = True
    design_groups = True

    def check(self, item: Item) -> list[TypeIssue]:
        issues = []
        for key in ("min", "max"):
            bound = getattr(item, key)
            ok = isinstance(bound, int) if self.integer else is_number(bound)
            if bound is not None and (isinstance(bound, bool) or not ok):
                kind = "an integer" if self.integer else "a number"
                issues.append(TypeIssue(f"{key} must be {kind}, got {bound!r}", f"e.g. {key}: 0", key))
        if is_number(item.min) and is_number(item.max) and item.min > item.max:  # type: ignore[operator]
            issues.append(TypeIssue(f"min {item.min} is larger than max {item.max}", "swap them", "min"))
        return issues

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if is_number(raw):
            if not math.isfinite(raw):
                raise AnswerError("number")
            if self.integer and isinstance(raw, float):
                if not raw.is_integer():
                    raise AnswerError("integer")
                return int(raw)
            return raw
        if not isinstance(raw, str):
            raise AnswerError("integer" if self.integer else "number")
        # Kazakh and Russian write a decimal comma; spaces group thousands.
        text = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            value = int(text) if self.integer else float(text)
        except ValueError:
            raise AnswerError("integer" if self.integer else "number") from None
        if not math.isfinite(value):  # "NaN", "inf", "1e400": not numbers a person answers, nor valid JSON
            raise AnswerError("number")
        return value

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        errors = []
        if is_number(item.min) and value < item.min:
            errors.append(AnswerError("min", min=item.min))
        if is_number(item.max) and value > item.max:
            errors.append(AnswerError("max", max=item.max))
        return errors

    def example(self) -> dict[str, Any]:
        return {"min": 0, "max": 120}

    def example_answer(self, item: Item) -> Any:
        return 42 if self.integer else 12.5

    def demo_answer(self, item: Item, choices: list[Choice], rng: random.Random, pick: PickChoice) -> Any:
        low = item.min if isinstance(item.min, int | float) else 0
        high = item.max if isinstance(item.max, int | float) else low + 10
        return rng.randint(int(low), int(min(high, low + 10)))

    def possible_values(self, item: Item, literals: list[Any], arithmetic: bool) -> list[Any] | None:
        if arithmetic:
            return None
        points: set[float] = set()
        numbers = sorted({v for v in literals if is_number(v)})
        for low, high in itertools.pairwise(numbers):
            points.add((low + high) / 2)
        for value in numbers:
            points |= {value, value - 1, value + 1, value - 0.5, value + 0.5}
        low = item.min if isinstance(item.min, int | float) else None
        high = item.max if isinstance(item.max, int | float) else None
        points |= {p for p in (low, high) if p is not None} or {0}
        inside = [p for p in points if (low is None or p >= low) and (high is None or p <= high)]
        if self.integer:
            inside = [p for p in inside if float(p).is_integer()]
        return [None, *sorted(inside)]

    def read_xlsform_bound(self, part: str) -> dict[str, Any] | None:
        if match := _BOUND.match(part):
            number = float(match.group(2))
            return {"min" if match.group(1) == ">=" else "max": int(number) if number.is_integer() else number}
        return None

    def bound_constraints(self, item: Item) -> list[str]:
        parts = []
        if item.min is not None:
            parts.append(f". >= {item.min}")
        if item.max is not None:
            parts.append(f". <= {item.max}")
        return parts


class Integer(_Number):
    name = "integer"
    field = "number"
    xlsform_type = "integer"
    xlsform_names = frozenset({"integer", "int"})
    integer = True
    inputmode = "numeric"


class Decimal(_Number):
    name = "decimal"
    field = "number"
    xlsform_type = "decimal"
    xlsform_names = frozenset({"decimal"})

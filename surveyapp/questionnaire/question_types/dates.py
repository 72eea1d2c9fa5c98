"""Dates as ISO strings, bounded by fixed dates or 'today'."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from ..errors import AnswerError
from ..model import Item
from .base import QuestionType, TypeIssue, blank

_DATE_BOUND: Final = re.compile(r"^\.\s*(>=|<=)\s*(?:today\(\)|date\('(\d{4}-\d{2}-\d{2})'\))$")
_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve_date(bound: Any, today: dt.date) -> dt.date | None:
    if bound == "today":
        return today
    if isinstance(bound, str) and _ISO_DATE.match(bound):
        try:
            return dt.date.fromisoformat(bound)
        except ValueError:
            return None
    return None


class Date(QuestionType):
    name = "date"
    field = "date"
    xlsform_type = "date"
    xlsform_names = frozenset({"date"})
    keys = frozenset({"min", "max"})
    value_kind = "date"
    design_source = True

    def check(self, item: Item) -> list[TypeIssue]:
        issues = []
        probe = dt.date(2000, 1, 1)
        for key in ("min", "max"):
            bound = getattr(item, key)
            if bound is not None and resolve_date(bound, probe) is None:
                issues.append(
                    TypeIssue(
                        f"{key} must be an ISO date or 'today', got {bound!r}",
                        f'write {key}: "2024-01-01" or {key}: today',
                        key,
                    )
                )
        low, high = resolve_date(item.min, probe), resolve_date(item.max, probe)
        if low and high and "today" not in (item.min, item.max) and low > high:
            issues.append(TypeIssue("min date is after max date", "swap them", "min"))
        return issues

    def example(self) -> dict[str, Any]:
        return {"min": "2000-01-01", "max": "today"}

    def example_answer(self, item: Item) -> Any:
        return "2020-02-29"

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if isinstance(raw, dt.date):
            return raw.isoformat()
        if not isinstance(raw, str) or resolve_date(raw.strip(), dt.date.today()) is None or raw.strip() == "today":
            raise AnswerError("date")
        return raw.strip()

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        today = today or dt.date.today()
        day = dt.date.fromisoformat(value)
        errors = []
        low, high = resolve_date(item.min, today), resolve_date(item.max, today)
        if low and day < low:
            errors.append(AnswerError("date_min", min=low.isoformat()))
        if high and day > high:
            errors.append(AnswerError("date_max", max=high.isoformat()))
        return errors

    def read_xlsform_bound(self, part: str) -> dict[str, Any] | None:
        match = _DATE_BOUND.match(part)
        return {"min" if match.group(1) == ">=" else "max": match.group(2) or "today"} if match else None

    def bound_constraints(self, item: Item) -> list[str]:
        parts = []
        for key, op in (("min", ">="), ("max", "<=")):
            bound = getattr(item, key)
            if bound == "today":
                parts.append(f". {op} today()")
            elif bound is not None:
                parts.append(f". {op} date('{bound}')")
        return parts


_TIME: Final = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


class Time(QuestionType):
    """A time of day as "HH:MM" (what the browser's time field sends; seconds are dropped)."""

    name = "time"
    field = "time"
    xlsform_type = "time"
    xlsform_names = frozenset({"time"})
    value_kind = "text"

    def example_answer(self, item: Item) -> Any:
        return "07:30"

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if isinstance(raw, dt.time):
            return raw.strftime("%H:%M")
        match = _TIME.match(raw.strip()) if isinstance(raw, str) else None
        if match is None:
            raise AnswerError("time")
        return f"{match.group(1)}:{match.group(2)}"


class DateTime(QuestionType):
    """A date and time of day as "YYYY-MM-DDTHH:MM", the browser's datetime-local value; no time zone, as
    the respondent reads it on their clock."""

    name = "datetime"
    field = "datetime"
    xlsform_type = "dateTime"
    xlsform_names = frozenset({"datetime"})
    value_kind = "text"

    def example_answer(self, item: Item) -> Any:
        return "2024-02-29T18:45"

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if isinstance(raw, dt.datetime):
            return raw.strftime("%Y-%m-%dT%H:%M")
        if not isinstance(raw, str):
            raise AnswerError("datetime")
        day, _, time = raw.strip().replace(" ", "T", 1).partition("T")
        match = _TIME.match(time[:8])
        if not _ISO_DATE.match(day) or match is None or len(time) > 8:
            raise AnswerError("datetime")
        try:
            dt.date.fromisoformat(day)
        except ValueError:
            raise AnswerError("datetime") from None
        return f"{day}T{match.group(1)}:{match.group(2)}"

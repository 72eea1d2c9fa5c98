"""Free text, short or long, bounded by a length."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar, Final

from ..errors import AnswerError
from ..model import Item
from .base import QuestionType, TypeIssue, blank

_LENGTH: Final = re.compile(r"^string-length\(\s*\.\s*\)\s*<=\s*(\d+)$")


class Text(QuestionType):
    name = "text"
    field = "line"
    xlsform_type = "text"
    xlsform_names = frozenset({"text", "string"})
    keys = frozenset({"max_length"})
    value_kind = "text"
    default_length: ClassVar[int] = 255
    limit: ClassVar[int] = 1000

    def check(self, item: Item) -> list[TypeIssue]:
        length = item.max_length
        if length is not None and (
            not isinstance(length, int) or isinstance(length, bool) or not 1 <= length <= self.limit
        ):
            return [TypeIssue(f"max_length must be an integer from 1 to {self.limit}", "", "max_length")]
        return []

    def example(self) -> dict[str, Any]:
        return {"max_length": 40}

    def example_answer(self, item: Item) -> Any:
        return "Сәлем, әлем"

    def length(self, item: Item) -> int:
        return item.max_length or self.default_length

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if not isinstance(raw, str):
            raise AnswerError("text")
        # Browsers send CRLF; store one newline convention.
        return raw.replace("\r\n", "\n").strip()

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        if len(value) > self.length(item):
            return [AnswerError("too_long", max_length=self.length(item))]
        return []

    def read_xlsform_bound(self, part: str) -> dict[str, Any] | None:
        match = _LENGTH.match(part)
        return {"max_length": int(match.group(1))} if match else None

    def bound_constraints(self, item: Item) -> list[str]:
        return [f"string-length(.) <= {self.length(item)}"]


class LongText(Text):
    name = "long_text"
    field = "textarea"
    default_length = 2000
    limit = 10000
    xlsform_names = frozenset({"text"})
    xlsform_appearance = "multiline"

    def example_answer(self, item: Item) -> Any:
        return "Бірінші жол\nекінші жол"

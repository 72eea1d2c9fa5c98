"""An acknowledgement: a statement the respondent confirms with one tick (XLSForm's `acknowledge`)."""

from __future__ import annotations

from typing import Any, Final

from ..errors import AnswerError
from ..model import Item
from .base import FormData, QuestionType, blank, form_values

# What XLSForm stores for a ticked acknowledgement, kept so that exports read the same as ODK's.
TICKED: Final = "OK"


class Acknowledge(QuestionType):
    name = "acknowledge"
    field = "acknowledge"
    xlsform_type = "acknowledge"
    xlsform_names = frozenset({"acknowledge", "trigger"})  # trigger: pyxform's older word for it
    value_kind = "text"

    def read_form(self, item: Item, form: FormData) -> Any:
        return next((v for v in form_values(form, item.code) if v.strip()), None)

    def example_answer(self, item: Item) -> Any:
        return TICKED

    def possible_values(self, item: Item, literals: list[Any], arithmetic: bool) -> list[Any] | None:
        return [None, TICKED]

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if raw is True or (isinstance(raw, str) and raw.strip() == TICKED):
            return TICKED
        raise AnswerError("acknowledge")

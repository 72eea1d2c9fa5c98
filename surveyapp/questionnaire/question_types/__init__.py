"""The registry of item types: one class per type, each knowing its keys, how to read, validate and redisplay
an answer, which template renders it, how it is exported (tidy columns and XLSForm rows), imported from
XLSForm, and answered by a synthetic respondent.

Adding a type means adding one class in a module of this package and registering it in QUESTION_TYPES.
"""

from __future__ import annotations

from typing import Final

from ..model import Item
from ..text import LANGUAGES
from .base import COMMON_KEYS, XLSFORM_LANGUAGE, QuestionType, TypeIssue, xlsform_texts
from .choices import MultipleChoice, Scale, SingleChoice
from .dates import Date, resolve_date
from .matrix import Matrix
from .numbers import Decimal, Integer
from .structural import Calculate, Note
from .text import LongText, Text

QUESTION_TYPES: Final[dict[str, QuestionType]] = {
    qt.name: qt
    for qt in (
        Note(),
        SingleChoice(),
        MultipleChoice(),
        Scale(),
        Matrix(),
        Integer(),
        Decimal(),
        Text(),
        LongText(),
        Date(),
        Calculate(),
    )
}


def question_type(item: Item) -> QuestionType:
    return QUESTION_TYPES[item.type]


def xlsform_import_type(kind: str, appearance: str, numeric_values: bool = False) -> QuestionType | None:
    """The type an XLSForm row becomes: the one whose own appearance it has (scale, long_text) before the
    plain one with the same type word; None when no type imports that word."""
    found = [qt for qt in QUESTION_TYPES.values() if qt.imports_xlsform(kind, appearance, numeric_values)]
    found.sort(key=lambda qt: not qt.xlsform_appearance)
    return found[0] if found else None


# The XLSForm type words that take a list name after them.
XLSFORM_SELECTS: Final = frozenset(
    name for qt in QUESTION_TYPES.values() if qt.uses_choices for name in qt.xlsform_names
)


__all__ = [
    "COMMON_KEYS",
    "LANGUAGES",
    "QUESTION_TYPES",
    "XLSFORM_LANGUAGE",
    "XLSFORM_SELECTS",
    "Calculate",
    "Date",
    "Decimal",
    "Integer",
    "LongText",
    "Matrix",
    "MultipleChoice",
    "Note",
    "QuestionType",
    "Scale",
    "SingleChoice",
    "Text",
    "TypeIssue",
    "question_type",
    "resolve_date",
    "xlsform_import_type",
    "xlsform_texts",
]

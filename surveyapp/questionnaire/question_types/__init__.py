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


__all__ = [
    "COMMON_KEYS",
    "LANGUAGES",
    "QUESTION_TYPES",
    "XLSFORM_LANGUAGE",
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
    "xlsform_texts",
]

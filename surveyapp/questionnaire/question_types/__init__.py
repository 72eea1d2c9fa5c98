"""The registry of item types: one class per type, each knowing its keys, how to read, validate and redisplay
an answer, which field macro draws it, how it is exported (tidy columns and XLSForm rows), imported from
XLSForm, and answered by a synthetic respondent.

Adding a type means adding one class with a `name` in a module of this package (a new module or its family's):
the registry finds it. The contract test (tests/surveyapp/questionnaire/test_question_types.py) then checks it.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Final

from ..model import Item
from ..text import LANGUAGES
from .base import COMMON_KEYS, XLSFORM_LANGUAGE, QuestionType, TypeIssue, xlsform_texts
from .calculate import Calculate
from .choices import MultipleChoice, Scale, SingleChoice
from .dates import Date, resolve_date
from .matrix import Matrix
from .note import Note
from .numbers import Decimal, Integer
from .text import LongText, Text

# The families in the order types are listed to authors (in "types: ..." hints); other modules follow by name.
_FAMILIES: Final = ("note", "choices", "matrix", "numbers", "text", "dates", "calculate")


def _modules() -> list[ModuleType]:
    others = sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name not in {*_FAMILIES, "base"})
    return [importlib.import_module(f"{__name__}.{name}") for name in (*_FAMILIES, *others)]


def _registered() -> dict[str, QuestionType]:
    """Every class of the package's modules that names a type, in definition order; a shared base without a
    `name` of its own (numbers._Number) is not a type."""
    found: dict[str, QuestionType] = {}
    for module in _modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, QuestionType)
                and value.__module__ == module.__name__
                and "name" in vars(value)
            ):
                if value.name in found:
                    raise RuntimeError(f"two question types are named {value.name!r}")
                found[value.name] = value()
    return found


QUESTION_TYPES: Final[dict[str, QuestionType]] = _registered()


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

"""The columns of an XLSForm sheet: which are read, their aliases and language suffixes, and cell values."""

from __future__ import annotations

import re
from typing import Final

from ..question_types import XLSFORM_LANGUAGE

_CODES: Final = {name.lower(): code for code, name in XLSFORM_LANGUAGE.items()} | {
    "kazakh": "kk",
    "russian": "ru",
    "english": "en",
    "қазақша": "kk",
    "казахский": "kk",
    "русский": "ru",
    "қазақ тілі": "kk",
    "казахский язык": "kk",
    "орысша": "ru",
    "орыс тілі": "ru",
    "русский язык": "ru",
    "kz": "kk",  # the country's code, often written for the language
    **{code: code for code in XLSFORM_LANGUAGE},
}
# The columns each sheet's rows are read from (text columns by the part before "::"); any other column is
# reported, so that nothing a form says is dropped without a word.
_KNOWN_COLUMNS: Final = {
    "survey": frozenset(
        {
            "type",
            "name",
            "label",
            "hint",
            "required",
            "relevant",
            "constraint",
            "constraint_message",
            "appearance",
            "calculation",
            "choice_filter",
            "repeat_count",
        }
    ),
    "choices": frozenset({"list_name", "name", "label", "numeric_value", "special", "parent"}),
    # form_id names the form in ODK; here the instrument given to the import does.
    "settings": frozenset({"form_title", "form_id", "version", "default_language"}),
}
_COLUMN_ALIASES: Final = {
    "list_name": "list_name",
    "jr:count": "repeat_count",
    "caption": "label",
    "relevance": "relevant",
    "bind::relevant": "relevant",
    "bind::required": "required",
    "bind::constraint": "constraint",
    "bind::calculate": "calculation",
    "bind::jr:constraintmsg": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "constraining_message": "constraint_message",
    "control::appearance": "appearance",
    "readonly": "read_only",
    "bind::readonly": "read_only",
}
_TEXT_COLUMNS: Final = frozenset({"label", "hint", "constraint_message"})


def _headers(raw: list[str]) -> list[str]:
    """Column names as pyxform reads them: `List Name` is `list_name`, aliases (`relevance`, `caption`) are
    their columns, and in a sheet without any `::` the older single colon (`label:English`) separates the
    language, except in namespaced names such as `jr:count`."""
    double_colon = any("::" in name for name in raw)
    names = []
    for name in raw:
        text = re.sub(r"\s*(::?)\s*", r"\1", " ".join(name.split()))
        if not double_colon and ":" in text and not re.match(r"^(jr|odk):", text, re.IGNORECASE):
            text = text.replace(":", "::", 1)
        base, separator, rest = text.partition("::")
        base = base.strip().lower().replace(" ", "_")
        whole = f"{base}::{rest.strip()}" if separator else base
        if whole.lower() in _COLUMN_ALIASES:
            names.append(_COLUMN_ALIASES[whole.lower()])
        else:
            names.append(_COLUMN_ALIASES.get(base, base) + (f"::{rest.strip()}" if separator else ""))
    return names


def _cell(value: object) -> str:
    # A choice named 1 in Excel comes back as the number 1.0: keep it as the "1" that was typed.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Excel turns ' and " into typographic quotes as they are typed; pyxform reads them back as plain quotes in every
# cell. Here only in the rules, so that «labels» and “quotations” in the texts stay as written.
_RULE_COLUMNS: Final = frozenset({"relevant", "constraint", "calculation", "choice_filter", "required", "repeat_count"})
_SMART_QUOTES: Final = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _rule_cell(name: str, text: str) -> str:
    return text.translate(_SMART_QUOTES) if name in _RULE_COLUMNS else text

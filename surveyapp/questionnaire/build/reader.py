"""What every part of the builder shares: the document, the problems found so far, and the small readers
(keys, codes, texts, expressions) that report a problem instead of raising."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ..errors import ExpressionError
from ..expression import Expression
from ..model import ChoiceList
from ..problem import Problem, Severity, message_params
from ..shared_lists import SharedList
from ..text import EXTRA_KEY, LANGUAGES, LocalizedText
from ..yamlsource import Document, Path_

CODE_RE: Final = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LANGUAGE_NAMES: Final = {"kk": "Kazakh (kk)", "ru": "Russian (ru)", "en": "English (en)"}


@dataclass
class SourceMap:
    """Where things are in the file, for problems found after building."""

    file: str
    document: Document
    items: dict[str, Path_] = field(default_factory=dict)
    sections: dict[str, Path_] = field(default_factory=dict)
    lists: dict[str, Path_] = field(default_factory=dict)
    broken_items: set[str] = field(default_factory=set)  # reported already; references to them are not

    def line(self, path: Path_) -> int:
        return self.document.line(path)

    def item_line(self, code: str, key: str | None = None) -> int:
        base = self.items.get(code) or self.sections.get(code) or ()
        return self.line((*base, key) if key else base)


def closest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else ""


def suggest(word: str, options: Iterable[str]) -> str:
    close = closest(word, options)
    return f"did you mean {close!r}?" if close else ""


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Reader:
    """State of one build: the parts add problems here and register the codes and lists they find."""

    def __init__(self, path: Path, document: Document, shared: dict[str, SharedList], display: str) -> None:
        self.path = path
        self.doc = document
        self.shared = shared
        self.source = SourceMap(display, document)
        self.problems: list[Problem] = []
        self.lists: dict[str, ChoiceList] = {}
        self.resolved_lists: dict[str, Any] = {}  # list name -> resolved raw data for the canonical form
        self.item_codes: set[str] = set()

    # --- reporting --------------------------------------------------------------------------------

    def error(
        self, path: Path_, item: str | None, message: str, hint: str = "", key: str = "", **params: object
    ) -> None:
        line = self.doc.line(path)
        self.problems.append(
            Problem(self.source.file, line, item, message, hint, key=key, params=message_params(params))
        )

    def warn(self, path: Path_, item: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.source.file, self.doc.line(path), item, message, hint, Severity.WARNING))

    def check_keys(
        self, path: Path_, data: dict[str, Any], allowed: Iterable[str], item: str | None, what: str
    ) -> None:
        allowed = set(allowed)
        for key in data:
            if key not in allowed and not key.startswith("x_"):
                close = suggest(key, allowed)
                hint = close or f"allowed keys: {', '.join(sorted(allowed))} (or x_... notes)"
                self.error(
                    (*path, key),
                    item,
                    f"unknown key {key!r} in {what}",
                    hint,
                    "unknown_key",
                    name=key,
                    suggestion=closest(key, allowed),
                    allowed=", ".join(sorted(allowed)),
                )

    def check_code(self, path: Path_, code: Any, item: str | None, what: str) -> str | None:
        if not isinstance(code, str) or not CODE_RE.match(code):
            fixed = re.sub(r"[^a-z0-9_]+", "_", str(code).lower()).strip("_") or "code"
            if not fixed[0].isalpha():
                fixed = f"c_{fixed}"
            self.error(
                path,
                item,
                f"{what} code {code!r} is not snake_case",
                f"use lowercase letters, digits and _, starting with a letter, e.g. {fixed!r}",
                "not_snake_case",
                code=code,
                fixed=fixed,
            )
            return None
        return code

    # --- text -------------------------------------------------------------------------------------

    def extra_texts(self, path: Path_, data: Any, item: str | None, what: str) -> None:
        """`extra:` of a text: the texts of an imported XLSForm's other languages, by its column's language."""
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            self.error(
                (*path, EXTRA_KEY),
                item,
                f"extra in {what} must map a language, as its XLSForm column names it, to a text",
                'write extra: {"French (fr)": "..."}',
            )

    def text(
        self, path: Path_, data: Any, item: str | None, what: str, *, respondent: bool = True, required: bool = True
    ) -> LocalizedText | None:
        if data is None:
            if required:
                self.error(
                    path,
                    item,
                    f"{what} is missing",
                    f"add {path[-1]}: {{kk: ..., ru: ...}}",
                    "text_missing",
                    name=path[-1],
                )
            return None
        if not isinstance(data, dict):
            self.error(
                path,
                item,
                f"{what} must be a mapping of languages, not {type(data).__name__}",
                f'write {path[-1]}: {{kk: "...", ru: "..."}}',
            )
            return None
        for lang, value in data.items():
            if lang == EXTRA_KEY:
                self.extra_texts(path, value, item, what)
            elif lang not in LANGUAGES:
                self.error(
                    (*path, lang),
                    item,
                    f"unknown language {lang!r} in {what}",
                    suggest(lang, LANGUAGES) or "languages are kk, ru, en",
                    "unknown_language",
                    language=lang,
                )
            elif value is not None and not isinstance(value, str):
                self.error((*path, lang), item, f"{what} in {LANGUAGE_NAMES[lang]} must be text", "quote the text")
        text = LocalizedText.from_mapping(
            {k: v for k, v in data.items() if (isinstance(v, str) and v.strip()) or (k == EXTRA_KEY)}
        )
        if respondent:
            for lang in text.missing():
                self.error(
                    path,
                    item,
                    f"{what} has no {LANGUAGE_NAMES[lang]} text",
                    f'add {lang}: "..." (Kazakh and Russian are required for what respondents see)',
                    "text_no_language",
                    language=lang,
                )
        elif not text:
            self.error(path, item, f"{what} is empty", "add the text in at least one language")
        return text

    # --- expressions ------------------------------------------------------------------------------

    def expression(self, path: Path_, data: Any, item: str | None) -> Expression | None:
        if data is None:
            return None
        if isinstance(data, bool):
            data = "true" if data else "false"
        if not isinstance(data, str | int | float):
            self.error(path, item, f"{path[-1]} must be an expression in quotes", 'e.g. relevant: "age >= 18"')
            return None
        try:
            return Expression.parse(str(data))
        except ExpressionError as exc:
            self.error(
                path,
                item,
                f"{path[-1]}: {exc.message} in {str(data)!r}",
                exc.hint or "see the expression rules in questionnaires/README.md",
            )
            return None

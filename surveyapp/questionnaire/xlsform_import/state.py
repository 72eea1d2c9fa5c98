"""What an import returns, and the state every step of it shares: the problems found and the languages seen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problem import Problem, Severity
from ..text import EXTRA_KEY
from .columns import _CODES
from .rows import Row


@dataclass
class Imported:
    """The YAML text and what the import noticed (errors mean the file still needs work before it loads)."""

    yaml_text: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


class ImportState:
    """The workbook being imported and what has been found so far; the steps of the import build on it."""

    def __init__(self, path: Path, instrument: str, version: str | None, population: str) -> None:
        self.path = path
        self.instrument = instrument
        self.version = version
        self.population = population
        self.problems: list[Problem] = []
        self.languages: list[str] = []
        self.other_languages: dict[str, dict[str, Row]] = {}  # sheet -> column -> first row holding it
        self.default_language = "kk"
        self.filter_columns: set[str] = set()  # choices-sheet columns that a general choice_filter reads
        self.numeric_columns: set[str] = set()  # ... of which a filter compares with a number
        self.number_items: set[str] = set()  # the integer and decimal questions of the survey sheet
        self.leave_out_media = False  # media questions: left out with a warning instead of an error
        self.specify_other: dict[str, str] = {}  # or_other question -> its list, which gets a choice 'other'
        self.original_names: dict[str, str] = {}  # new code -> the survey's name that was not a code
        self.survey_names: set[str] = set()  # every name of the survey sheet, after renaming
        self.other_renames: dict[str, str] = {}  # pyxform's <name>_other -> the or_other question's code

    # --- reporting -------------------------------------------------------------------------------------
    # --- reporting -------------------------------------------------------------------------------------
    def problem(
        self,
        row: Row | None,
        message: str,
        hint: str = "",
        item: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        sheet = row.sheet if row else "settings"
        self.problems.append(Problem(f"{self.path}:{sheet}", row.number if row else 1, item, message, hint, severity))

    # --- texts -----------------------------------------------------------------------------------------
    def texts(self, row: Row, prefix: str) -> dict[str, Any]:
        """The row's texts by language; those in other languages than kk, ru and en under `extra`, by the
        language their column names (label::French (fr) -> extra: {French (fr): ...})."""
        result: dict[str, Any] = {}
        for key, value in row.values.items():
            if key == prefix:
                lang = self.default_language
            elif key.startswith(prefix + "::"):
                suffix = key[len(prefix) + 2 :].strip()
                code = re.search(r"\(([A-Za-z]{2})\)\s*$", suffix)
                found = _CODES.get(code.group(1).lower() if code else suffix.lower())
                if found is None:
                    # Said once per sheet, with every such column, when the survey has been read.
                    self.other_languages.setdefault(row.sheet, {}).setdefault(key, row)
                    result.setdefault(EXTRA_KEY, {})[suffix] = value
                    continue
                lang = found
            else:
                continue
            result[lang] = value
            if lang not in self.languages:
                self.languages.append(lang)
        return result

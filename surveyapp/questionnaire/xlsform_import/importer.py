"""The import itself: the sheets read, then the survey walked row by row into sections of items."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

import yaml

from ..errors import QuestionnaireError
from ..problem import Severity
from ..text import LANGUAGES, REQUIRED_LANGUAGES
from ..workbook import read_tables
from .codes import rename_item_names, rename_references, renamed_codes, rewrite_rules
from .columns import _CODES, _KNOWN_COLUMNS, _cell, _headers, _rule_cell
from .defaults import DEFAULT_CONSTRAINT_MESSAGE, default_constraint_messages
from .items import ItemSteps
from .omissions import OmissionSteps
from .rows import Row
from .state import Imported

_CONSENT_NAMES: Final = ("consent_given", "_consent_given", "consent")


class _Importer(ItemSteps, OmissionSteps):
    # --- reading ---------------------------------------------------------------------------------------
    def sheets(self) -> dict[str, list[Row]]:
        """Every sheet's rows with their row numbers, from an .xlsx, .xls, a CSV file in pyxform's layout
        (the sheet name in the first column), or a folder or .zip of one CSV per sheet (survey.csv, ...)."""
        tables = read_tables(self.path)
        sheets: dict[str, list[Row]] = {}
        for title, table in tables.items():
            header = next(table, None)
            if header is None:
                continue
            names = _headers([str(h) if h is not None else "" for h in header[1]])
            found = []
            for number, values in table:
                cells = {
                    name: _rule_cell(name, _cell(value))
                    for name, value in zip(names, values, strict=False)
                    if name and value is not None and _cell(value)
                }
                if cells:
                    found.append(Row(title, number, cells))
            # A sheet the import does not read keeps its header row, so that the sweep can name it.
            sheets[title] = found or ([] if title in _KNOWN_COLUMNS else [Row(title, header[0], {})])
        if "survey" not in sheets:
            raise QuestionnaireError(f"{self.path}: no 'survey' sheet; is this an XLSForm?")
        return sheets

    # --- building --------------------------------------------------------------------------------------
    def run(self) -> Imported:
        sheets = self.sheets()
        names = rename_item_names(sheets)
        self.original_names = {new: old for old, new in names.items()}
        if names:
            pairs = ", ".join(f"{old!r} -> {new!r}" for old, new in list(names.items())[:8])
            more = f" and {len(names) - 8} more" if len(names) > 8 else ""
            first = next(row for row in sheets["survey"] if row.get("name") in self.original_names)
            self.problem(
                first,
                f"names that are not codes here (lowercase letters, digits and _) are renamed: {pairs}{more}; "
                "every ${...} that refers to them is rewritten, and each question keeps its name as xlsform_name",
                "check the codes in the YAML draft; exports and submissions use the new codes, an XLSForm export "
                "the original names",
                severity=Severity.WARNING,
            )
        settings = sheets.get("settings", [])
        setting = settings[0] if settings else Row("settings", 2, {})
        default = setting.get("default_language")
        if default:
            code = re.search(r"\(([A-Za-z]{2})\)\s*$", default)
            found = _CODES.get(code.group(1).lower() if code else default.lower())
            if found is None:
                self.problem(
                    setting,
                    f"default_language {default!r} is not kk, ru or en: columns without a language are read as kk",
                    "write default_language as Kazakh (kk) or Russian (ru)",
                    severity=Severity.WARNING,
                )
            self.default_language = found or "kk"
        version = self.version or setting.get("version") or "1"

        lists: dict[str, list[Row]] = {}
        for row in sheets.get("choices", []):
            list_name = row.get("list_name") or row.get("list name")
            if not list_name:
                self.problem(row, "choice without list_name", "fill the list_name column")
                continue
            lists.setdefault(list_name, []).append(row)

        survey = sheets["survey"]
        self.survey_names = {row.get("name") for row in survey if row.get("name")}
        self.number_items = {row.get("name") for row in survey if row.kind in ("integer", "decimal")}
        matrix_rows = _matrix_rows(survey, lists)
        consent: dict[str, str] | None = None
        sections: list[dict[str, Any]] = []
        used_lists: dict[str, str] = {}  # list name -> "scale" when any item needs values
        exclusive: dict[str, set[str]] = {}
        current: dict[str, Any] | None = None
        inner: tuple[Row, list[Row]] | None = None
        depth = 0

        def loose_section() -> dict[str, Any]:
            code = "main" if not any(s["code"] == "main" for s in sections) else f"main_{len(sections) + 1}"
            title = setting.get("form_title") or self.instrument
            return {"code": code, "title": {self.default_language: title}, "items": []}

        def add_item(item: dict[str, Any] | None) -> None:
            nonlocal current
            if item is None:
                return
            if current is None:
                current = loose_section()
                sections.append(current)
            current["items"].append(item)

        roster: Row | None = None  # the begin_repeat row of the repeat section being read
        repeat: tuple[Row, str, str] | None = None  # the repeat or loop being left out: row, kind, list
        repeat_depth = 0
        repeat_rows: list[Row] = []
        for row in survey:
            kind, name = row.kind, row.get("name")
            control = row.control
            if repeat is not None:
                # Inside a repeat or loop: count its rows, find its end (repeats may hold groups and repeats).
                if control and control[0] == "begin":
                    repeat_depth += 1
                elif control:
                    repeat_depth -= 1
                if repeat_depth == 0:
                    self.refuse_repeat(*repeat, repeat_rows, row)
                    repeat, repeat_rows = None, []
                else:
                    repeat_rows.append(row)
                continue
            if control and control[1] == "repeat" and roster is not None and control[0] == "end":
                if current is not None and not current["items"]:
                    self.problem(
                        roster,
                        f"repeat {roster.get('name')!r} has no questions",
                        "add its questions between begin_repeat and end_repeat, or remove the repeat",
                        roster.get("name") or None,
                    )
                roster, current = None, None
                continue
            if control and control[1] == "repeat" and control[0] == "begin" and depth == 0 and roster is None:
                roster = row
                current = _repeat(self, row, matrix_rows)
                sections.append(current)
                continue
            if control and control[1] == "group" and roster is not None:
                # A group inside a repeat: its questions stay in the repeat's page, said once.
                if control[0] == "begin":
                    self.problem(
                        row,
                        f"group {name!r} inside repeat {roster.get('name')!r}: its questions are asked in the "
                        "repeat's page, without the group",
                        "nothing to do, or move the group out of the repeat",
                        name or None,
                        severity=Severity.WARNING,
                    )
                continue
            if control and control[1] != "group":
                if control[0] == "begin":
                    repeat, repeat_depth = (row, control[1], control[2]), 1
                else:
                    self.problem(row, f"end_{control[1]} without a begin_{control[1]}", "remove the row", name or None)
                continue
            if control and control[0] == "begin":
                depth += 1
                if depth == 1:
                    current = {"code": name, "title": self.texts(row, "label"), "items": []}
                    if row.get("relevant"):
                        rule = self.expression(row, "relevant", row.get("relevant"), matrix_rows)
                        if rule:
                            current["relevant"] = rule
                    sections.append(current)
                elif depth == 2:
                    inner = (row, [])
                else:
                    self.problem(row, f"group {name!r} is nested three deep", "keep groups at most two deep")
                continue
            if control:
                if depth == 2 and inner is not None:
                    for item in self.inner_group(inner[0], inner[1], lists, used_lists, exclusive, matrix_rows):
                        add_item(item)
                    inner = None
                elif depth == 1:
                    current = None
                elif depth == 0:
                    self.problem(row, "end_group without a begin_group", "remove the row or add its begin_group")
                depth = max(0, depth - 1)
                continue
            if kind == "acknowledge" and consent is None and depth == 0 and name in _CONSENT_NAMES:
                consent = self.texts(row, "label")
                continue
            if inner is not None:
                inner[1].append(row)
                continue
            for item in self.row_items(row, lists, used_lists, exclusive, matrix_rows):
                add_item(item)
        if repeat is not None:
            self.refuse_repeat(*repeat, repeat_rows, None)
        if roster is not None:
            self.problem(roster, f"repeat {roster.get('name')!r} is not closed", "add an end_repeat row")
        if depth:
            self.problem(survey[-1], "a group is not closed", "add an end_group row for every begin_group")
        self.sweep(sheets, lists, used_lists)

        choice_lists = {
            name: self.choice_list(name, lists[name], used_lists[name] == "values", exclusive.get(name, set()))
            for name in used_lists
            if name in lists
        }
        renamed = renamed_codes(choice_lists)
        rewrite_rules(sections, choice_lists, renamed)
        for name, codes in renamed.items():
            pairs = ", ".join(f"{old!r} -> {new!r}" for old, new in list(codes.items())[:6])
            more = f" and {len(codes) - 6} more" if len(codes) > 6 else ""
            self.problem(
                lists[name][0],
                f"choice names of list {name!r} that are not codes here are renamed: {pairs}{more}; the rules "
                "that compare with them are rewritten, and a number is kept as the choice's value",
                "check the codes in the YAML draft; exports and submissions use the new codes",
                severity=Severity.WARNING,
            )
        if self.other_renames:
            rename_references(sections, self.other_renames)
        defaulted = default_constraint_messages(sections)
        if defaulted:
            listed = ", ".join(repr(code) for code in defaulted[:8]) + (
                f" and {len(defaulted) - 8} more" if len(defaulted) > 8 else ""
            )
            self.problem(
                survey[0],
                f"constraint without a constraint_message: {listed} get a general message (kk/ru/en: "
                f"{DEFAULT_CONSTRAINT_MESSAGE['en']!r})",
                "write a constraint_message that tells the respondent what the rule asks",
                severity=Severity.WARNING,
            )
        self.language_columns(survey[0] if survey else None)
        document: dict[str, Any] = {
            "instrument": self.instrument,
            "version": version,
            "title": {self.default_language: setting.get("form_title") or self.instrument},
            "population": self.population,
            "languages": [lang for lang in LANGUAGES if lang in self.languages] or list(REQUIRED_LANGUAGES),
        }
        if consent:
            # Pupils give assent; whether parents opt out or sign in advance is the researcher's decision, left
            # unset so that validation asks for it.
            document["consent"] = {"mode": "child_assent" if self.population == "pupils" else "adult", "text": consent}
        document["choice_lists"] = choice_lists
        document["sections"] = sections
        header = (
            f"# Imported from {self.path.name} (XLSForm). A draft: check it, add what XLSForm does not say\n"
            "# (title in every language, population, consent, design_variables, quality, helplines), then:\n"
            "#   flask questionnaires validate <this file>\n"
        )
        text = header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
        return Imported(text, self.problems)


_DEFAULT_REPEAT_MAX = 20


def _repeat(importer: _Importer, row: Row, matrix_rows: dict[str, str]) -> dict[str, Any]:
    """A top-level begin_repeat as a repeat page: its label names each instance, repeat_count (a number or
    an earlier answer) fixes how many; without it the respondent adds instances, up to 20."""
    name = row.get("name")
    label = importer.texts(row, "label") or {importer.default_language: name}
    section: dict[str, Any] = {"code": name, "title": label}
    if row.get("relevant"):
        rule = importer.expression(row, "relevant", row.get("relevant"), matrix_rows)
        if rule:
            section["relevant"] = rule
    repeat: dict[str, Any] = {"label": dict(label)}  # a copy: the YAML draft spells it out, no anchor
    count = (row.get("repeat_count") or "").strip()
    if count.isdigit():
        repeat["count"] = int(count)
        repeat["max"] = max(int(count), 1)
    elif count:
        rule = importer.expression(row, "repeat_count", count, matrix_rows)
        if rule:
            repeat["count"] = rule
            repeat["max"] = _DEFAULT_REPEAT_MAX
    section["repeat"] = repeat
    section["items"] = []
    return section


def _matrix_rows(survey: list[Row], lists: dict[str, list[Row]]) -> dict[str, str]:
    """``group_row`` -> ``group.row`` for the select_one questions of inner groups that will become matrices."""
    result: dict[str, str] = {}
    depth = 0
    group = ""
    for row in survey:
        kind, control = row.kind, row.control
        if control and control[0] == "begin":
            depth += 1
            if depth == 2:
                group = row.get("name")
        elif control:
            depth -= 1
        elif depth == 2 and kind == "select_one" and row.get("name").startswith(f"{group}_"):
            result[row.get("name")] = f"{group}.{row.get('name')[len(group) + 1 :]}"
    return result


def import_xlsform(
    path: Path,
    instrument: str,
    version: str | None = None,
    population: str = "adults",
    *,
    leave_out_media: bool = False,
) -> Imported:
    """The workbook at ``path`` as questionnaire YAML text, with the problems found on the way.

    ``leave_out_media``: photo, audio, file ... questions are left out with a warning instead of refusing the
    workbook, for a form whose other questions the researcher wants to ask here."""
    importer = _Importer(path, instrument, version, population)
    importer.leave_out_media = leave_out_media
    return importer.run()

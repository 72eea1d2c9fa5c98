"""What the import leaves out, each said with where it is: repeats, other languages, unread sheets and columns."""

from __future__ import annotations

from typing import Final

from ..problem import Severity
from ..question_types import QUESTION_TYPES, XLSFORM_LANGUAGE
from ..text import REQUIRED_LANGUAGES
from .columns import _KNOWN_COLUMNS, _TEXT_COLUMNS
from .rows import Row
from .state import ImportState

_COLUMN_HINTS: Final = {
    "default": "answers are not filled in beforehand here: the respondent gives each one; drop the column",
    "read_only": "a read-only question is a note or a calculate here",
    "required_message": "the platform says in kk and ru that an answer is needed",
    "guidance_hint": "move the text into hint",
    "image": "media files are not shown to respondents here; put the essentials into the label",
    "audio": "media files are not shown to respondents here; put the essentials into the label",
    "video": "media files are not shown to respondents here; put the essentials into the label",
    "media": "media files are not shown to respondents here; put the essentials into the label",
    "parameters": "type parameters are not supported; state bounds in constraint",
    "trigger": "a calculation here is recomputed on every answer; drop the trigger",
}
# Appearances that change nothing here: a section is a page already (field-list), and the types own appearances.
_UNDERSTOOD_APPEARANCES: Final = frozenset(
    {"", "field-list"} | {qt.xlsform_appearance for qt in QUESTION_TYPES.values() if qt.xlsform_appearance}
)


class OmissionSteps(ImportState):
    """Warnings and errors for what is not carried over, so that nothing is dropped silently."""

    def refuse_repeat(self, row: Row, kind: str, over: str, inside: list[Row], end: Row | None) -> None:
        """A repeat (a roster: asked once per household member) or a loop (once per choice of a list) cannot
        become questions asked once, so it is refused with everything inside it."""
        name = row.get("name") or None
        questions = [r for r in inside if r.control is None]
        span = f"rows {row.number}-{end.number}" if end else f"from row {row.number} to the end of the sheet"
        what = f"loop over {over!r}" if kind == "loop" else "repeat group"
        if kind == "loop":
            # A loop asks its questions once per choice of a list; a repeat here is numbered, not named by choices.
            hint = (
                f"loops over a choice list are not supported: ask one question per choice of {over!r} (a matrix of "
                "rows), or make it a begin_repeat with repeat_count"
            )
        else:
            hint = (
                "a repeat becomes a page of its own here, so it can only stand at the top level of the form, "
                "not inside a group or another repeat: move it out"
            )
        if end is None:
            hint += f"; and close it with an end_{kind} row"
        self.problem(
            row,
            f"{what} {name or ''!r} cannot be imported: its {len(questions)} question(s) ({span}) would be asked "
            "only once, so they are left out",
            hint,
            name,
        )

    def language_columns(self, first: Row | None) -> None:
        """Texts in languages other than kk, ru and en are kept as extra languages, with a warning naming their
        columns: no respondent reads them here, and the XLSForm export gives them back. The respondent sees
        every text in Kazakh and Russian, so missing ones are said with how to add them."""
        for columns in self.other_languages.values():
            row = min(columns.values(), key=lambda r: r.number)
            self.problem(
                row,
                f"column(s) {', '.join(repr(c) for c in columns)} are in a language other than kk, ru or en: kept "
                "as extra languages (under extra: in each text), which no respondent reads here and the XLSForm "
                "export writes back",
                "the Kazakh and Russian texts are still needed before publishing; a column named like "
                "label::Kazakh (kk) or label::Russian (ru) is read as that language",
                severity=Severity.WARNING,
            )
        missing = [XLSFORM_LANGUAGE[lang] for lang in REQUIRED_LANGUAGES if lang not in self.languages]
        if missing and first is not None:
            wanted = " and ".join(f"label::{name}" for name in missing)
            self.problem(
                Row(first.sheet, 1, {}),
                f"no texts in {' and '.join(missing)}: respondents read every question in Kazakh and Russian",
                f"add the column(s) {wanted} (and hint::..., constraint_message::...) to the survey and choices "
                "sheets with the translations, or add them to the YAML draft; a label column without a language "
                "is read as settings' default_language",
                severity=Severity.WARNING,
            )

    def sweep(self, sheets: dict[str, list[Row]], lists: dict[str, list[Row]], used: dict[str, str]) -> None:
        """Report every sheet, column, appearance and choice list the import does not read."""
        for sheet, rows in sheets.items():
            known = _KNOWN_COLUMNS.get(sheet)
            if known is not None and sheet == "choices":
                known = known | self.filter_columns
            if known is None:
                if rows:  # the header row at least
                    self.problem(
                        rows[0],
                        f"sheet {sheet!r} is not imported",
                        "only the survey, choices and settings sheets are read; external choices and entities "
                        "are not supported",
                        severity=Severity.WARNING,
                    )
                continue
            seen: dict[str, list[Row]] = {}
            for row in rows:
                for column in row.values:
                    seen.setdefault(column, []).append(row)
            for column, holders in seen.items():
                base = column.partition("::")[0]
                if base in known and (base in _TEXT_COLUMNS or "::" not in column):
                    continue
                self.problem(
                    holders[0],
                    f"column {column!r} is not imported ({len(holders)} row(s) fill it)",
                    _COLUMN_HINTS.get(base, "remove the column, or put what it says into a label or hint"),
                    severity=Severity.WARNING,
                )
        appearances: dict[str, Row] = {}
        for row in sheets["survey"]:
            for word in row.get("appearance").lower().split():
                if word not in _UNDERSTOOD_APPEARANCES:
                    appearances.setdefault(word, row)
        for word, row in appearances.items():
            self.problem(
                row,
                f"appearance {word!r} is not imported",
                "the respondent page draws every question its own way; nothing else is lost",
                row.get("name") or None,
                Severity.WARNING,
            )
        for name, rows in lists.items():
            if name not in used:
                self.problem(
                    rows[0],
                    f"choice list {name!r} is not used by any imported question",
                    "nothing to do unless a question should use it",
                    severity=Severity.WARNING,
                )

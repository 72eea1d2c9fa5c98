"""An XLSForm workbook (KoboToolbox, ODK, SurveyCTO, or our own export) as a questionnaire YAML file.

The result is a draft for a researcher: what XLSForm does not say (population, design variables, the other
languages of the title) is left for them to add, and the questionnaire's own validation then says what is
missing, with the line. What cannot be carried over (repeats, GPS, media, functions our expression language
does not have) is an error naming the sheet and row, so nothing is dropped silently.

Groups: a top-level group is a section (a page); a group inside it whose questions are all ``select_one`` of
one list named ``<group>_<row>`` is a matrix (how :mod:`xlsform` exports one); any other inner group is
flattened into its section, with a warning. Questions outside any group form a section of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from .errors import ExpressionError, QuestionnaireError
from .expression import FUNCTIONS, GENERAL_FUNCTIONS, Expression
from .problem import Problem, Severity
from .question_types import QUESTION_TYPES, XLSFORM_LANGUAGE, XLSFORM_SELECTS, xlsform_import_type
from .workbook import read_tables

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
_METADATA: Final = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "audit",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
    "start-geopoint",
    "background-audio",
}
_UNSUPPORTED_HINT: Final = (
    "not a question type of this platform; remove the row or ask it differently (types: "
    + ", ".join(sorted({name for qt in QUESTION_TYPES.values() for name in qt.xlsform_names}))
    + ")"
)
# Media questions collect files (photos, recordings, signatures, scans): none is ever stored from a respondent.
_MEDIA: Final = frozenset({"image", "photo", "audio", "video", "file", "signature", "barcode", "draw"})
_CONSENT_NAMES: Final = ("consent_given", "_consent_given", "consent")
_REF: Final = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_EMPTY_TEST: Final = re.compile(r"(\$\{[^}]+\}|\.)\s*(!=|=)\s*(''|\"\")")
_REWRITE_HINT: Final = (
    "rewrite it with =, !=, <, >, and, or, not, selected(), count_selected(), answered(), if(), concat(), "
    "regex(), selected-at(), today()"
)
_CALL: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_:-]*)\s*\(")
_FILTER: Final = re.compile(r"^parent\s*=\s*\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
# pyxform's spellings of a group, repeat or loop row: begin_group, begin group, begin repeat, begin loop over x.
_CONTROL: Final = re.compile(r"^(begin|end)[\s_]+(group|lgroup|repeat|looped group|loop)(?:\s+(?:over\s+)?(\S+))?$")
# pyxform's older spellings of a select: "select one from x", "select all that apply from x or specify other".
_SELECT_ALIAS: Final = re.compile(
    r"^(select all that apply|select multiple|select one|select1)(?:\s+from)?\s+(\S+)(\s+or specify other)?$", re.I
)
_MULTIPLE_ALIASES: Final = frozenset({"select all that apply", "select multiple"})
_REPEATS: Final = {"lgroup": "repeat", "repeat": "repeat", "looped group": "repeat", "loop": "loop"}
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
        }
    ),
    "choices": frozenset({"list_name", "name", "label", "numeric_value", "special", "parent"}),
    # form_id names the form in ODK; here the instrument given to the import does.
    "settings": frozenset({"form_title", "form_id", "version", "default_language"}),
}
_COLUMN_ALIASES: Final = {
    "list_name": "list_name",
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
_COLUMN_HINTS: Final = {
    "default": "answers are not filled in beforehand here: the respondent gives each one; drop the column",
    "read_only": "a read-only question is a note or a calculate here",
    "required_message": "the platform says in kk and ru that an answer is needed",
    "guidance_hint": "move the text into hint",
    "repeat_count": "repeats are not supported yet",
    "jr:count": "repeats are not supported yet",
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


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def kind(self) -> str:
        """``select_one`` of ``select_one regions`` (and of pyxform's ``select one from regions``)."""
        select = _SELECT_ALIAS.match(" ".join(self.get("type").split()))
        if select:
            return "select_multiple" if select.group(1).lower() in _MULTIPLE_ALIASES else "select_one"
        return self.get("type").partition(" ")[0].strip().lower()

    @property
    def argument(self) -> str:
        """``regions`` of ``select_one regions``."""
        select = _SELECT_ALIAS.match(" ".join(self.get("type").split()))
        if select:
            return select.group(2) + (" or_other" if select.group(3) else "")
        return self.get("type").partition(" ")[2].strip()

    @property
    def required(self) -> bool:
        return self.get("required").lower() in {"yes", "true", "1", "true()"}

    @property
    def control(self) -> tuple[str, str, str] | None:
        """("begin", "repeat", "members") for a row that opens or closes a group, repeat or loop; else None."""
        match = _CONTROL.match(" ".join(self.get("type").lower().split()))
        if not match:
            return None
        return match.group(1), _REPEATS.get(match.group(2), "group"), match.group(3) or ""


@dataclass
class Imported:
    """The YAML text and what the import noticed (errors mean the file still needs work before it loads)."""

    yaml_text: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


class _Importer:
    def __init__(self, path: Path, instrument: str, version: str | None, population: str) -> None:
        self.path = path
        self.instrument = instrument
        self.version = version
        self.population = population
        self.problems: list[Problem] = []
        self.languages: list[str] = []
        self.other_languages: dict[str, dict[str, Row]] = {}  # sheet -> column -> first row holding it
        self.default_language = "kk"

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
                    name: _cell(value)
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

    def texts(self, row: Row, prefix: str) -> dict[str, str]:
        result: dict[str, str] = {}
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
                    continue
                lang = found
            else:
                continue
            result[lang] = value
            if lang not in self.languages:
                self.languages.append(lang)
        return result

    # --- expressions -----------------------------------------------------------------------------------
    def expression(self, row: Row, column: str, text: str, matrix_rows: dict[str, str]) -> str | None:
        def name(match: re.Match[str]) -> str:
            return matrix_rows.get(match.group(1), match.group(1))

        def emptiness(match: re.Match[str]) -> str:
            target = match.group(1)
            return f"answered({target})" if match.group(2) == "!=" else f"not answered({target})"

        converted = _EMPTY_TEST.sub(emptiness, text)
        converted = _REF.sub(name, converted)
        converted = re.sub(r"\bcount-selected\(", "count_selected(", converted)
        converted = re.sub(r"\bselected-at\(", "selected_at(", converted)
        converted = re.sub(r"\btrue\(\)", "true", converted)
        converted = re.sub(r"\bfalse\(\)", "false", converted)
        converted = re.sub(r"\bdiv\b", "/", converted)
        known = {*FUNCTIONS, *GENERAL_FUNCTIONS, "not", "and", "or"}
        unknown = sorted({f for f in _CALL.findall(converted) if f not in known})
        if unknown:
            self.problem(
                row,
                f"{column} {text!r} cannot be carried over: {', '.join(f + '()' for f in unknown)} has no "
                "equivalent here",
                _REWRITE_HINT,
                row.get("name") or None,
            )
            return None
        try:
            Expression.parse(converted)
        except ExpressionError as error:
            self.problem(
                row,
                f"{column} {text!r} cannot be carried over: {error.message}",
                _REWRITE_HINT,
                row.get("name") or None,
            )
            return None
        return converted

    def constraint(self, row: Row, kind: str, matrix_rows: dict[str, str]) -> tuple[dict[str, Any], set[str]]:
        """Type bounds (min, max, max_length, min/max_choices, exclusive choices) and the rest as a rule."""
        text = row.get("constraint")
        if not text:
            return {}, set()
        keys: dict[str, Any] = {}
        exclusive: set[str] = set()
        rest = []
        for part in _split_and(text):
            bare = _unwrap(part)
            bound = QUESTION_TYPES[kind].read_xlsform_bound(bare)
            if bound is None:
                rest.append(bare)
                continue
            exclusive |= bound.pop("exclusive", set())
            keys |= bound
        if rest:
            rule = self.expression(row, "constraint", " and ".join(f"({r})" for r in rest), matrix_rows)
            if rule is not None:
                keys["constraint"] = rule[1:-1] if len(rest) == 1 else rule
        return keys, exclusive

    # --- building --------------------------------------------------------------------------------------
    def run(self) -> Imported:
        sheets = self.sheets()
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

        repeat: tuple[Row, str, str] | None = None  # the repeat or loop being left out: row, kind, list
        repeat_depth = 0
        repeat_rows: list[Row] = []
        for row in survey:
            kind, argument, name = row.kind, row.argument, row.get("name")
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
            add_item(self.item(row, kind, argument, lists, used_lists, exclusive, matrix_rows))
        if repeat is not None:
            self.refuse_repeat(*repeat, repeat_rows, None)
        if depth:
            self.problem(survey[-1], "a group is not closed", "add an end_group row for every begin_group")
        self.sweep(sheets, lists, used_lists)

        choice_lists = {
            name: self.choice_list(name, lists[name], used_lists[name] == "values", exclusive.get(name, set()))
            for name in used_lists
            if name in lists
        }
        self.language_columns(survey[0] if survey else None)
        document: dict[str, Any] = {
            "instrument": self.instrument,
            "version": version,
            "title": {self.default_language: setting.get("form_title") or self.instrument},
            "population": self.population,
            "languages": [lang for lang in ("kk", "ru", "en") if lang in self.languages] or ["kk", "ru"],
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

    def refuse_repeat(self, row: Row, kind: str, over: str, inside: list[Row], end: Row | None) -> None:
        """A repeat (a roster: asked once per household member) or a loop (once per choice of a list) cannot
        become questions asked once, so it is refused with everything inside it."""
        name = row.get("name") or None
        questions = [r for r in inside if r.control is None]
        span = f"rows {row.number}-{end.number}" if end else f"from row {row.number} to the end of the sheet"
        what = f"loop over {over!r}" if kind == "loop" else "repeat group"
        if kind == "loop":
            hint = f"ask one question per choice of {over!r} (a matrix of rows) instead, or remove the loop"
        else:
            hint = (
                "repeats (rosters) are not supported yet: ask for a fixed number of members as separate questions "
                "(member1_age, member2_age, ...) or remove the repeat"
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
        """Texts in languages other than kk, ru and en are left out with a warning naming their columns; the
        respondent sees every text in Kazakh and Russian, so missing ones are said with how to add them."""
        for columns in self.other_languages.values():
            row = min(columns.values(), key=lambda r: r.number)
            self.problem(
                row,
                f"column(s) {', '.join(repr(c) for c in columns)} are in a language other than kk, ru or en and "
                "are not imported",
                "nothing to do if the form has Kazakh and Russian columns; a column named like label::Kazakh (kk) "
                "or label::Russian (ru) is read as that language",
                severity=Severity.WARNING,
            )
        missing = [XLSFORM_LANGUAGE[lang] for lang in ("kk", "ru") if lang not in self.languages]
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

    def item(
        self,
        row: Row,
        kind: str,
        argument: str,
        lists: dict[str, list[Row]],
        used: dict[str, str],
        exclusive: dict[str, set[str]],
        matrix_rows: dict[str, str],
    ) -> dict[str, Any] | None:
        name = row.get("name")
        if kind in _METADATA:
            self.problem(
                row,
                f"metadata {kind!r} is not imported",
                "start/end times and the device class are kept as paradata of every response",
                name or None,
                Severity.WARNING,
            )
            return None
        if not name and kind == "note":
            # pyxform names a note without a name itself; the draft gets a name that says where it came from.
            name = f"note_row{row.number}"
            self.problem(
                row, f"a note without a name is named {name!r}", "rename it if you like", name, Severity.WARNING
            )
        if not name:
            self.problem(row, f"a {kind or 'row'} without a name", "fill the name column")
            return None
        if kind in _MEDIA:
            self.problem(
                row,
                f"media question {kind!r} cannot be imported: the platform takes no photos, recordings, files or "
                "scans from respondents, since they could identify them and no file store is kept",
                "ask for the information in words (a text or choice question), or remove the row",
                name,
            )
            return None
        item: dict[str, Any] = {"code": name}
        appearance = row.get("appearance").lower()
        if kind in XLSFORM_SELECTS:
            if argument.endswith(" or_other"):
                self.problem(
                    row,
                    f"type {row.get('type')!r}: or_other is not supported",
                    f"add a choice 'other' to {argument.split()[0]!r} and a text question with "
                    f"relevant: selected(${{{name}}}, 'other')",
                    name,
                )
                return None
            if not argument or argument.startswith("from_file") or argument not in lists:
                self.problem(
                    row,
                    f"type {row.get('type')!r}: no list {argument!r} on the choices sheet",
                    "add the list to the choices sheet",
                    name,
                )
                return None
            values = all(r.get("numeric_value") or r.get("special") for r in lists[argument])
            found = xlsform_import_type(kind, appearance, values)
            qtype = found.name if found else "single_choice"
            needs_values = QUESTION_TYPES[qtype].choice_values
            used[argument] = "values" if needs_values or used.get(argument) == "values" else "plain"
            item["type"] = qtype
        elif found := xlsform_import_type(kind, appearance):
            qtype = item["type"] = found.name
        else:
            self.problem(row, f"type {row.get('type')!r} cannot be imported", _UNSUPPORTED_HINT, name)
            return None
        label = self.texts(row, "label")
        if label:
            item["label"] = label
        hint = self.texts(row, "hint")
        if hint:
            item["hint"] = hint
        if row.required and qtype == "geopoint":
            self.problem(
                row,
                "a location is not required here: respondents may decline to give it, for their anonymity",
                "write required: true in the YAML draft if the consent covers the location",
                name,
                Severity.WARNING,
            )
        elif row.required:
            item["required"] = True
        elif row.get("required").lower() not in {"", "no", "false", "0", "false()"}:
            self.problem(
                row,
                f"required {row.get('required')!r} cannot be imported: only yes or no is",
                "write yes or no; a question asked only in some cases says so in relevant",
                name,
            )
        if row.get("relevant"):
            rule = self.expression(row, "relevant", row.get("relevant"), matrix_rows)
            if rule:
                item["relevant"] = rule
        if row.get("calculation") and "calculation" not in QUESTION_TYPES[qtype].keys:
            self.problem(
                row,
                f"calculation {row.get('calculation')!r} of a {kind} question is not imported",
                "answers are not filled in beforehand here; a computed value is a calculate row of its own",
                name,
                Severity.WARNING,
            )
        if QUESTION_TYPES[qtype].uses_choices:
            item["choices"] = argument
        if row.get("choice_filter"):
            match = _FILTER.match(row.get("choice_filter"))
            if match:
                item["choice_filter"] = match.group(1)
            else:
                self.problem(
                    row,
                    f"choice_filter {row.get('choice_filter')!r} cannot be imported",
                    "only parent=${item} filters are supported (a `parent` column on the choices sheet)",
                    name,
                )
        bounds, exclusive_codes = self.constraint(row, qtype, matrix_rows)
        item.update(bounds)
        if exclusive_codes:
            exclusive.setdefault(argument, set()).update(exclusive_codes)
        message = self.texts(row, "constraint_message")
        if message and "constraint" in item:
            item["constraint_message"] = message
        if "calculation" in QUESTION_TYPES[qtype].keys and row.get("calculation"):
            rule = self.expression(row, "calculation", row.get("calculation"), matrix_rows)
            if rule:
                item["calculation"] = rule
        return item

    def inner_group(
        self,
        group: Row,
        rows: list[Row],
        lists: dict[str, list[Row]],
        used: dict[str, str],
        exclusive: dict[str, set[str]],
        matrix_rows: dict[str, str],
    ) -> list[dict[str, Any] | None]:
        code = group.get("name")
        kinds = {row.kind for row in rows}
        list_names = {row.argument for row in rows}
        prefix = f"{code}_"
        if (
            rows
            and kinds == {"select_one"}
            and len(list_names) == 1
            and all(row.get("name").startswith(prefix) for row in rows)
            and (list_name := next(iter(list_names))) in lists
        ):
            item: dict[str, Any] = {"code": code, "type": "matrix", "label": self.texts(group, "label")}
            hint = self.texts(group, "hint")
            if hint:
                item["hint"] = hint
            if all(row.required for row in rows):
                item["required"] = True
            if group.get("relevant"):
                rule = self.expression(group, "relevant", group.get("relevant"), matrix_rows)
                if rule:
                    item["relevant"] = rule
            item["choices"] = list_name
            item["rows"] = [{"code": row.get("name")[len(prefix) :], "label": self.texts(row, "label")} for row in rows]
            used[list_name] = "values"
            return [item]
        self.problem(
            group,
            f"group {code!r} inside a group is flattened: its questions join the page",
            f"nothing is lost but the group's label; a matrix is a group of select_one of one list named {code}_<row>",
            code,
            Severity.WARNING,
        )
        items = []
        for row in rows:
            items.append(self.item(row, row.kind, row.argument, lists, used, exclusive, matrix_rows))
        return items

    def choice_list(self, name: str, rows: list[Row], values: bool, exclusive: set[str]) -> list[dict[str, Any]]:
        choices = []
        for row in rows:
            choice: dict[str, Any] = {"code": row.get("name"), "label": self.texts(row, "label")}
            if row.get("numeric_value"):
                try:
                    number = float(row.get("numeric_value"))
                except ValueError:
                    self.problem(row, f"numeric_value {row.get('numeric_value')!r} is not a number", "write a number")
                else:
                    choice["value"] = int(number) if number.is_integer() else number
            if row.get("special"):
                choice["special"] = row.get("special")
            if row.get("parent"):
                choice["parent"] = row.get("parent")
            if choice["code"] in exclusive and "special" not in choice:
                choice["exclusive"] = True
            if values and "value" not in choice and "special" not in choice:
                self.problem(
                    row,
                    f"choice {choice['code']!r} of list {name!r} has no numeric_value",
                    "a scale or matrix needs a number for every choice but the special ones",
                )
            choices.append(choice)
        return choices


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


def _split_and(text: str) -> list[str]:
    """Split at the top-level ``and`` (outside parentheses and quotes)."""
    parts, depth, quote, start = [], 0, "", 0
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and text.startswith(" and ", i):
            parts.append(text[start:i])
            start = i + 5
            i += 4
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _unwrap(text: str) -> str:
    """Drop parentheses around the whole text, as the export writes a rule next to type bounds."""
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def import_xlsform(path: Path, instrument: str, version: str | None = None, population: str = "adults") -> Imported:
    """The workbook at ``path`` as questionnaire YAML text, with the problems found on the way."""
    return _Importer(path, instrument, version, population).run()

"""Survey rows as questionnaire items: questions, matrices from inner groups, and their choice lists."""

from __future__ import annotations

import re
from typing import Any, Final

from ..problem import Severity
from ..question_types import QUESTION_TYPES, XLSFORM_SELECTS, xlsform_import_type
from .expressions import ExpressionSteps
from .rows import Row

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
    "imei",
    "uri:deviceid",
    "uri:email",
    "uri:phonenumber",
    "uri:simserial",
    "uri:subscriberid",
    "uri:username",
    "background-audio",
}
_UNSUPPORTED_HINT: Final = (
    "not a question type of this platform; remove the row or ask it differently (types: "
    + ", ".join(sorted({name for qt in QUESTION_TYPES.values() for name in qt.xlsform_names}))
    + ")"
)
# Media questions collect files (photos, recordings, signatures, scans): none is ever stored from a respondent.
_MEDIA: Final = frozenset({"image", "photo", "audio", "video", "file", "signature", "barcode", "draw"})
_FILTER: Final = re.compile(r"^parent\s*=\s*\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


# What pyxform adds for or_other ("Other", "Specify other."), in the platform's languages.
OTHER_CHOICE: Final = {"kk": "Басқа", "ru": "Другое", "en": "Other"}
OTHER_SPECIFY: Final = {"kk": "Басқа болса, жазыңыз", "ru": "Если другое, уточните", "en": "Specify other"}


class ItemSteps(ExpressionSteps):
    """One item per survey row (or inner group), and the choices of the lists they use."""

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
                f"media question {kind!r} "
                + ("is left out" if self.leave_out_media else "cannot be imported")
                + ": the platform takes no photos, recordings, files or "
                "scans from respondents, since they could identify them and no file store is kept",
                "ask for the information in words (a text or choice question), or remove the row"
                + ("" if self.leave_out_media else " (or import with --leave-out-media)"),
                name,
                Severity.WARNING if self.leave_out_media else Severity.ERROR,
            )
            return None
        item: dict[str, Any] = {"code": name}
        if name in self.original_names:
            item["xlsform_name"] = self.original_names[name]  # given back by an XLSForm export
        appearance = row.get("appearance").lower()
        if kind in XLSFORM_SELECTS:
            if argument.endswith(" or_other"):
                argument = argument.split()[0]
                if row.get("choice_filter"):
                    self.problem(row, f"type {row.get('type')!r}: or_other cannot be used with a choice_filter",
                                 "add a choice 'other' to the list instead, as pyxform asks")  # fmt: skip
                    return None
                self.specify_other[name] = argument
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
                condition = self.choice_filter(row, row.get("choice_filter"), matrix_rows)
                if condition is not None:
                    item["choice_filter"] = condition
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

    def row_items(
        self,
        row: Row,
        lists: dict[str, list[Row]],
        used: dict[str, str],
        exclusive: dict[str, set[str]],
        matrix_rows: dict[str, str],
    ) -> list[dict[str, Any]]:
        """The row's item, and for `select_one x or_other` the text question pyxform adds after it."""
        item = self.item(row, row.kind, row.argument, lists, used, exclusive, matrix_rows)
        if item is None:
            return []
        code = item["code"]
        if code not in self.specify_other:
            return [item]
        other = self.other_code(code, item["type"])
        self.problem(
            row,
            f"or_other: a choice 'other' is added to list {self.specify_other[code]!r} and a text question "
            f"{other} asks which, shown when 'other' is chosen (as pyxform does)",
            "check their labels in the YAML draft",
            code,
            Severity.WARNING,
        )
        if other != f"{code}_other":
            self.other_renames[f"{code}_other"] = other
            why = (
                f"{code}_other is the export column of the choice 'other' of the multiple choice {code!r}"
                if item["type"] == "multiple_choice"
                else f"the form already has a question {code}_other"
            )
            self.problem(
                row,
                f"or_other: the text question is named {other!r}, not {code + '_other'!r} as pyxform names it: "
                f"{why}; the rules and labels that refer to {code}_other are rewritten",
                f"nothing to do, or rename {other!r} in the YAML draft",
                code,
                Severity.WARNING,
            )
        follow_up = {"code": other, "type": "text", "label": dict(OTHER_SPECIFY),
                     "relevant": f"selected({code}, 'other')"}  # fmt: skip
        return [item, follow_up]

    def other_code(self, code: str, qtype: str) -> str:
        """pyxform's <name>_other, unless that is the export column of a multiple choice's 'other' (its
        dummy column) or another question's name: then <name>_other_text, and a number if that is taken."""
        base = f"{code}_other" if qtype != "multiple_choice" else f"{code}_other_text"
        taken = self.survey_names | set(self.other_renames.values())
        if base == f"{code}_other" and base in self.survey_names:
            base = f"{code}_other_text"
        other, n = base, 2
        while other in taken:
            other, n = f"{base}_{n}", n + 1
        return other

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
        items: list[dict[str, Any] | None] = []
        for row in rows:
            items.extend(self.row_items(row, lists, used, exclusive, matrix_rows))
        return items

    def choice_column(self, row: Row, column: str) -> str | int | float:
        """A cell a choice_filter reads: a number where the filter compares it with one, else text as typed."""
        text = row.get(column)
        if column not in self.numeric_columns or not text:
            return text
        try:
            number = float(text)
        except ValueError:
            self.problem(row, f"column {column!r} is compared with a number, but {text!r} is not one",
                         "write a number, or leave the cell empty")  # fmt: skip
            return text
        return int(number) if number.is_integer() else number

    def choice_list(self, name: str, rows: list[Row], values: bool, exclusive: set[str]) -> list[dict[str, Any]]:
        choices = []
        for row in rows:
            choice: dict[str, Any] = {"code": row.get("name"), "label": self.texts(row, "label")}
            if not choice["label"]:
                # ODK draws such a choice by its image (not imported): the name at least says which it is.
                choice["label"] = {self.default_language: row.get("name")}
                self.problem(
                    row,
                    f"choice {row.get('name')!r} of list {name!r} has no label: its name is its label",
                    "write the label respondents read, in every language",
                    severity=Severity.WARNING,
                )
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
            columns = {column: self.choice_column(row, column) for column in sorted(self.filter_columns)}
            columns = {column: value for column, value in columns.items() if value != ""}
            if columns:
                choice["columns"] = columns
            if choice["code"] in exclusive and "special" not in choice:
                choice["exclusive"] = True
            if values and "value" not in choice and "special" not in choice:
                self.problem(
                    row,
                    f"choice {choice['code']!r} of list {name!r} has no numeric_value",
                    "a scale or matrix needs a number for every choice but the special ones",
                )
            choices.append(choice)
        if name in self.specify_other.values() and not any(c["code"] == "other" for c in choices):
            choices.append({"code": "other", "label": dict(OTHER_CHOICE)})
        return choices

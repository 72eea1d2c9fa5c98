"""One item: its code and type, the keys every type shares, and the type's own checks
(question_types.py says which keys a type allows and what it requires)."""

from __future__ import annotations

import re
from typing import Any, Final

from ..expression import Expression
from ..model import Item, MatrixRow
from ..question_types import QUESTION_TYPES, QuestionType
from ..text import LocalizedText
from ..yamlsource import Path_
from .choices import item_choices
from .reader import CODE_RE, Reader, suggest


def read_item(reader: Reader, path: Path_, raw: Any, section: str) -> Item | None:
    found = _code_and_type(reader, path, raw)
    if found is None:
        return None
    code, qtype = found
    type_name = raw.get("type")  # the key QUESTION_TYPES knows it by
    reader.check_keys(path, raw, qtype.allowed_keys, code, f"a {type_name} item")

    def text(key: str, required: bool = False) -> LocalizedText | None:
        return reader.text((*path, key), raw.get(key), code, f"{key} of {code!r}", required=required)

    label = text("label", required=qtype.shown)
    hint = text("hint") if "hint" in raw else None
    required = _required(reader, path, raw, code, qtype)
    constraint = reader.expression((*path, "constraint"), raw.get("constraint"), code)
    message = text("constraint_message") if "constraint_message" in raw else None
    if raw.get("constraint") is not None and message is None:
        reader.error(
            (*path, "constraint"),
            code,
            "constraint has no constraint_message",
            "add constraint_message: {kk: ..., ru: ...} telling the respondent what to fix",
        )
    choices = None
    broken_choices = qtype.uses_choices and raw.get("choices") is not None
    if broken_choices:
        choices = item_choices(reader, (*path, "choices"), raw.get("choices"), code)
        broken_choices = choices is None
        if broken_choices:
            reader.source.broken_items.add(code)
    rows = _rows(reader, (*path, "rows"), raw.get("rows"), code) if "rows" in raw else ()
    choice_filter, choice_condition = _choice_filter(reader, path, raw, code)
    numbers = _integers(reader, path, raw, code)
    links = _links(reader, path, raw, code)
    item = Item(
        code=code,
        type=qtype.name,
        section=section,
        line=reader.doc.line(path),
        label=label or LocalizedText(),
        hint=hint,
        required=required,
        relevant=reader.expression((*path, "relevant"), raw.get("relevant"), code),
        constraint=constraint,
        constraint_message=message,
        choices=choices,
        choice_filter=choice_filter,
        choice_condition=choice_condition,
        calculation=reader.expression((*path, "calculation"), raw.get("calculation"), code),
        rows=rows,
        min=raw.get("min"),
        max=raw.get("max"),
        min_choices=numbers["min_choices"],
        max_choices=numbers["max_choices"],
        max_length=numbers["max_length"],
        renamed_from=links["renamed_from"],
        replaces=links["replaces"],
        xlsform_name=_xlsform_name(reader, path, raw, code),
    )
    if broken_choices:
        return item  # the type's checks would only repeat that the choices are missing
    for issue in qtype.check(item):
        reader.error((*path, issue.key) if issue.key else path, code, f"{type_name} item {issue.message}", issue.hint)
    return item


def _code_and_type(reader: Reader, path: Path_, raw: Any) -> tuple[str, QuestionType] | None:
    """Register the item's code and find its type; None when either is reported broken."""
    if not isinstance(raw, dict):
        reader.error(path, None, "an item must be a mapping with code, type and label", "")
        return None
    code = reader.check_code((*path, "code"), raw.get("code"), None, "item")
    if code is None:
        return None
    if code in reader.item_codes or code in reader.source.sections:
        reader.error(
            (*path, "code"),
            code,
            f"duplicate item code {code!r}",
            "every item needs its own code; a changed meaning is a new code",
        )
        return None
    reader.item_codes.add(code)
    reader.source.items[code] = path
    type_name = raw.get("type")
    qtype = QUESTION_TYPES.get(type_name) if isinstance(type_name, str) else None
    if qtype is None:
        hint = suggest(str(type_name), QUESTION_TYPES) or f"types: {', '.join(QUESTION_TYPES)}"
        reader.error((*path, "type"), code, f"unknown type {type_name!r}", hint)
        reader.source.broken_items.add(code)
        return None
    return code, qtype


def _required(reader: Reader, path: Path_, raw: dict[str, Any], code: str, qtype: QuestionType) -> bool:
    required = raw.get("required", False)
    if not isinstance(required, bool):
        reader.error((*path, "required"), code, f"required must be true or false, got {required!r}", "")
        required = False
    if required and not qtype.has_answer:
        reader.warn((*path, "required"), code, "a note cannot be required", "remove required:")
    return required


def _choice_filter(reader: Reader, path: Path_, raw: dict[str, Any], code: str) -> tuple[str | None, Expression | None]:
    """(cascade parent, general condition): a bare item code is a cascade (choices whose parent is that item's
    answer); anything else is a condition over `choice.<column>` and earlier answers."""
    choice_filter = raw.get("choice_filter")
    if choice_filter is None:
        return None, None
    if not isinstance(choice_filter, str) or not choice_filter.strip():
        reader.error(
            (*path, "choice_filter"),
            code,
            "choice_filter must be an earlier item's code or a condition",
            "e.g. choice_filter: region, or choice_filter: choice.region = region",
        )
        return None, None
    if CODE_RE.match(choice_filter.strip()):
        return choice_filter.strip(), None
    return None, reader.expression((*path, "choice_filter"), choice_filter, code)


def _integers(reader: Reader, path: Path_, raw: dict[str, Any], code: str) -> dict[str, int | None]:
    numbers: dict[str, int | None] = {}
    for key in ("min_choices", "max_choices", "max_length"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            reader.error((*path, key), code, f"{key} must be an integer, got {value!r}", "")
            value = None
        numbers[key] = value
    return numbers


def _links(reader: Reader, path: Path_, raw: dict[str, Any], code: str) -> dict[str, str | None]:
    """renamed_from: and replaces:, the codes that tie an item to an earlier version."""
    links: dict[str, str | None] = {}
    for key in ("renamed_from", "replaces"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not CODE_RE.match(value)):
            reader.error((*path, key), code, f"{key} must be the code of an item in an earlier version", "")
            value = None
        links[key] = value
    return links


# pyxform's names: an XML element name without a namespace.
_XLSFORM_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")


def _xlsform_name(reader: Reader, path: Path_, raw: dict[str, Any], code: str) -> str | None:
    """xlsform_name:, the name an imported XLSForm used for this item, which an XLSForm export gives back."""
    value = raw.get("xlsform_name")
    if value is None:
        return None
    if not isinstance(value, str) or not _XLSFORM_NAME.match(value):
        reader.error(
            (*path, "xlsform_name"),
            code,
            "xlsform_name must be an XLSForm name (letters, digits, _, - and ., starting with a letter or _)",
            "leave it out to use the item's code",
        )
        return None
    return value


def _rows(reader: Reader, path: Path_, data: Any, code: str) -> tuple[MatrixRow, ...]:
    if not isinstance(data, list):
        reader.error(path, code, "rows must be a list of {code, label}", "")
        return ()
    rows: list[MatrixRow] = []
    for index, raw in enumerate(data):
        row_path: Path_ = (*path, index)
        if not isinstance(raw, dict):
            reader.error(row_path, code, "a matrix row must be a mapping with code and label", "")
            continue
        reader.check_keys(row_path, raw, ("code", "label"), code, "a matrix row")
        row_code = reader.check_code((*row_path, "code"), raw.get("code"), code, "row")
        if row_code is None:
            continue
        if any(row.code == row_code for row in rows):
            reader.error(
                (*row_path, "code"), code, f"row code {row_code!r} appears twice", "give each row its own code"
            )
            continue
        label = reader.text((*row_path, "label"), raw.get("label"), code, f"label of row {row_code!r}")
        rows.append(MatrixRow(row_code, label or LocalizedText(), reader.doc.line(row_path)))
    return tuple(rows)

"""Choice lists: the named lists under choice_lists:, lists written inline in an item, shared lists
included from _lists/, and the single choice."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Final

from ..model import SPECIAL_CODES, Choice, ChoiceList, Scalar
from ..shared_lists import SharedList
from ..text import LocalizedText
from ..yamlsource import Document, Path_
from .reader import Reader, is_number, suggest

_Entries = list[tuple[Path_, Any]]


def named_lists(reader: Reader, data: Any) -> dict[Any, Any]:
    """Build the lists under choice_lists: and return the raw mapping (empty when it is not one)."""
    raw_lists = data or {}
    if not isinstance(raw_lists, dict):
        reader.error(("choice_lists",), None, "choice_lists must be a mapping of list names to lists", "")
        raw_lists = {}
    for name, raw in raw_lists.items():
        path = ("choice_lists", name)
        if reader.check_code(path, name, None, "choice list") is None:
            continue
        reader.source.lists[name] = path
        built = choice_list(reader, path, raw, name, None)
        if built is not None:
            reader.lists[name] = built
    return raw_lists


def item_choices(reader: Reader, path: Path_, data: Any, code: str) -> ChoiceList | None:
    """The choices: of an item: the name of a list under choice_lists:, or a list written in place."""
    if isinstance(data, str):
        found = reader.lists.get(data)
        if found is None:
            if data in reader.source.lists:
                return None  # the list itself is broken and already reported
            hint = suggest(data, reader.lists) or (
                f"define it under choice_lists: or use one of: {', '.join(sorted(reader.lists))}"
                if reader.lists
                else "define it under choice_lists:"
            )
            if data in reader.shared:
                hint = f"add `{data}: {{include: {data}}}` under choice_lists:"
            reader.error(path, code, f"unknown choice list {data!r}", hint, "unknown_choice_list", name=data)
        return found
    return choice_list(reader, path, data, code, code)


def choice_list(reader: Reader, path: Path_, data: Any, name: str, item: str | None) -> ChoiceList | None:
    line = reader.doc.line(path)
    found = _entries(reader, path, data, name, item)
    if found is None:
        return None
    include, entries = found
    if not entries:
        reader.error(path, item, f"choice list {name!r} is empty", "add at least two choices")
        return None
    choices: list[Choice] = []
    resolved: list[Any] = []
    seen: set[str] = set()
    for entry_path, raw in entries:
        shared_entry = entry_path[0] == "__shared__"
        where = (*path, "include") if shared_entry else entry_path
        choice = read_choice(reader, where, raw, name, item)
        if choice is None:
            continue
        if choice.code in seen:
            reader.error(
                where,
                item,
                f"choice code {choice.code!r} appears twice in list {name!r}",
                "give every choice its own code",
            )
            continue
        seen.add(choice.code)
        choices.append(choice)
        resolved.append(raw)
    reader.resolved_lists[name] = {"include": include, "choices": copy.deepcopy(resolved)} if include else None
    return ChoiceList(name, tuple(choices), include, line)


def _entries(reader: Reader, path: Path_, data: Any, name: str, item: str | None) -> tuple[Any, _Entries] | None:
    """(include, raw choices with their paths), or None when the list is reported broken."""
    if isinstance(data, dict):
        return _included(reader, path, data, name, item)
    if isinstance(data, list):
        return None, [((*path, index), raw) for index, raw in enumerate(data)]
    reader.error(
        path,
        item,
        f"choice list {name!r} must be a list of choices or {{include: NAME}}",
        "see Choice lists in questionnaires/README.md",
    )
    return None


def _included(
    reader: Reader, path: Path_, data: dict[str, Any], name: str, item: str | None
) -> tuple[Any, _Entries] | None:
    reader.check_keys(path, data, ("include", "append", "choices"), item, f"choice list {name!r}")
    include = data.get("include")
    shared = reader.shared.get(include) if isinstance(include, str) else None
    if isinstance(data.get("choices"), list):
        # Canonical content carries the resolved shared list, so a stored version never
        # depends on today's _lists/ files.
        shared = SharedList(str(include), Path(f"{include}.yaml"), Document({"choices": data["choices"]}))
        data = {k: v for k, v in data.items() if k != "choices"}
    if shared is None:
        hint = suggest(str(include), reader.shared) or f"shared lists: {', '.join(sorted(reader.shared))}"
        reader.error((*path, "include"), item, f"unknown shared list {include!r}", hint)
        return None
    if shared.problems or not isinstance(shared.raw_choices, list):
        reader.error(
            (*path, "include"),
            item,
            f"shared list {include!r} is broken",
            f"fix {shared.path.name} first: " + "; ".join(str(p) for p in shared.problems),
        )
        return None
    entries: _Entries = [(("__shared__", str(include), index), raw) for index, raw in enumerate(shared.raw_choices)]
    append = data.get("append") or []
    if not isinstance(append, list):
        reader.error((*path, "append"), item, "append must be a list of choices", "")
        append = []
    entries += [((*path, "append", index), raw) for index, raw in enumerate(append)]
    return include, entries


_COLUMN: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def read_choice(reader: Reader, path: Path_, raw: Any, list_name: str, item: str | None) -> Choice | None:
    if not isinstance(raw, dict):
        reader.error(
            path,
            item,
            f"a choice of list {list_name!r} must be a mapping",
            "write {code: ..., label: {kk: ..., ru: ...}}",
        )
        return None
    reader.check_keys(
        path, raw, ("code", "label", "value", "special", "parent", "exclusive", "columns"), item, "a choice"
    )
    code = raw.get("code")
    if is_number(code):
        reader.error(
            (*path, "code"),
            item,
            f"choice code {code!r} is a number",
            "codes are snake_case words (e.g. 'yes', 'very_safe'); put numbers in value:",
        )
        return None
    code = reader.check_code((*path, "code"), code, item, "choice")
    if code is None:
        return None
    label = reader.text((*path, "label"), raw.get("label"), item, f"label of choice {code!r}")
    value = raw.get("value")
    if value is not None and not is_number(value):
        reader.error(
            (*path, "value"), item, f"value of choice {code!r} must be a number, got {value!r}", "e.g. value: 3"
        )
        value = None
    special = raw.get("special")
    if special is not None and special not in SPECIAL_CODES:
        reader.error(
            (*path, "special"),
            item,
            f"unknown special code {special!r} for choice {code!r}",
            suggest(str(special), SPECIAL_CODES) or f"one of: {', '.join(SPECIAL_CODES)}",
        )
        special = None
    if special and value is not None:
        reader.error(
            (*path, "value"),
            item,
            f"special choice {code!r} must not have a value",
            "remove value: (indicators exclude special answers)",
        )
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        reader.error((*path, "parent"), item, f"parent of choice {code!r} must be a choice code", "")
        parent = None
    exclusive = raw.get("exclusive", False)
    if not isinstance(exclusive, bool):
        reader.error((*path, "exclusive"), item, f"exclusive of choice {code!r} must be true or false", "")
        exclusive = False
    columns = _columns(reader, (*path, "columns"), raw.get("columns"), code, item)
    return Choice(code, label or LocalizedText(), value, special, parent, reader.doc.line(path), exclusive, columns)


def _columns(reader: Reader, path: Path_, raw: Any, code: str, item: str | None) -> tuple[tuple[str, Scalar], ...]:
    """A choice's own columns for a choice_filter, typed as written: `'1'` compares with a choice code, `1`
    with a number."""
    if raw is None:
        return ()
    hint = "write columns: {region: almaty, min_age: 18}"
    if not isinstance(raw, dict):
        reader.error(path, item, f"columns of choice {code!r} must be a mapping", hint)
        return ()
    columns: list[tuple[str, Scalar]] = []
    for name, value in raw.items():
        if not isinstance(name, str) or not _COLUMN.match(name) or name in ("name", "code", "parent"):
            reader.error(path, item, f"choice {code!r}: {name!r} cannot be a column name",
                         "use a snake_case name other than name, code and parent")  # fmt: skip
        elif not isinstance(value, str | int | float | bool):
            reader.error(path, item, f"choice {code!r}: column {name!r} must be one text, number or true/false", hint)
        else:
            columns.append((name, value))
    return tuple(columns)

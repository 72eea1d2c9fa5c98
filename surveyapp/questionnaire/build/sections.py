"""Sections: code, title, relevance, and the items they hold."""

from __future__ import annotations

from typing import Any

from ..expression import Expression
from ..model import Repeat, Section
from ..text import LocalizedText
from ..yamlsource import Path_
from .items import read_item
from .reader import Reader


def sections(reader: Reader, data: Any) -> list[Section]:
    if not isinstance(data, list) or not data:
        if data is not None:
            reader.error(("sections",), None, "sections must be a non-empty list", "")
        return []
    result = []
    for index, raw in enumerate(data):
        section = _section(reader, ("sections", index), raw)
        if section is not None:
            result.append(section)
    return result


def _section(reader: Reader, path: Path_, raw: Any) -> Section | None:
    if not isinstance(raw, dict):
        reader.error(path, None, "a section must be a mapping with code, title and items", "")
        return None
    reader.check_keys(path, raw, ("code", "title", "relevant", "repeat", "items"), raw.get("code"), "a section")
    code = reader.check_code((*path, "code"), raw.get("code"), None, "section")
    if code is None:
        return None
    if code in reader.source.sections or code in reader.item_codes:
        reader.error(
            (*path, "code"),
            code,
            f"duplicate code {code!r}",
            "section and item codes must be unique within a version",
        )
        return None
    reader.source.sections[code] = path
    title = reader.text((*path, "title"), raw.get("title"), code, f"title of section {code!r}")
    relevant = reader.expression((*path, "relevant"), raw.get("relevant"), code)
    raw_items = raw.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        reader.error(path, code, f"section {code!r} has no items", "add items: [...]")
        raw_items = []
    items = [it for i, r in enumerate(raw_items) if (it := read_item(reader, (*path, "items", i), r, code))]
    repeat = _repeat(reader, (*path, "repeat"), raw.get("repeat"), code) if "repeat" in raw else None
    return Section(code, title or LocalizedText(), tuple(items), relevant, reader.doc.line(path), repeat)


_MAX_INSTANCES = 50


def _repeat(reader: Reader, path: Path_, raw: Any, code: str) -> Repeat | None:
    if not isinstance(raw, dict):
        reader.error(
            path, code, "repeat must be a mapping with label (and count or max)", "repeat: {label: {...}, max: 10}"
        )
        return None
    reader.check_keys(path, raw, ("label", "count", "max"), code, "a repeat")
    label = reader.text((*path, "label"), raw.get("label"), code, f"label of repeat {code!r}")
    count: int | Expression | None = None
    raw_count = raw.get("count")
    if isinstance(raw_count, int) and not isinstance(raw_count, bool):
        if raw_count < 1:
            reader.error((*path, "count"), code, f"repeat count must be at least 1, got {raw_count}", "count: 3")
        count = raw_count
    elif raw_count is not None:
        count = reader.expression((*path, "count"), raw_count, code)
    raw_max = raw.get("max", 20 if not isinstance(count, int) else max(count, 1))
    if not isinstance(raw_max, int) or isinstance(raw_max, bool) or not 1 <= raw_max <= _MAX_INSTANCES:
        reader.error(
            (*path, "max"),
            code,
            f"repeat max must be a whole number from 1 to {_MAX_INSTANCES}, got {raw_max!r}",
            "max: 10",
        )
        raw_max = 20
    if isinstance(count, int) and count > raw_max:
        reader.error(
            (*path, "count"), code, f"repeat count {count} is above its max {raw_max}", "raise max or lower count"
        )
    return Repeat(label or LocalizedText(), count, raw_max, reader.doc.line(path))

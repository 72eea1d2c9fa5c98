"""Sections: code, title, relevance, and the items they hold."""

from __future__ import annotations

from typing import Any

from ..model import Section
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
    reader.check_keys(path, raw, ("code", "title", "relevant", "items"), raw.get("code"), "a section")
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
    return Section(code, title or LocalizedText(), tuple(items), relevant, reader.doc.line(path))

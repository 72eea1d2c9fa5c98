"""Design variables: where each comes from (invitation, link, item, ...) and its groups."""

from __future__ import annotations

from typing import Any

from ..model import DESIGN_SOURCES, DesignVariable
from ..yamlsource import Path_
from .reader import Reader, is_number

Groups = tuple[tuple[int | float | None, int | float | None], ...]


def design_variables(reader: Reader, data: Any) -> tuple[DesignVariable, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict):
        reader.error(("design_variables",), None, "design_variables must be a mapping", "")
        return ()
    result = []
    for name, raw in data.items():
        variable = _variable(reader, ("design_variables", name), name, raw)
        if variable is not None:
            result.append(variable)
    return tuple(result)


def _variable(reader: Reader, path: Path_, name: Any, raw: Any) -> DesignVariable | None:
    if reader.check_code(path, name, None, "design variable") is None:
        return None
    if not isinstance(raw, dict):
        reader.error(path, None, f"design variable {name!r} must be a mapping", "e.g. {source: invitation}")
        return None
    reader.check_keys(path, raw, ("source", "item", "groups", "param"), None, f"design variable {name!r}")
    source = raw.get("source")
    if source not in DESIGN_SOURCES:
        reader.error(
            (*path, "source"),
            None,
            f"unknown source {source!r} of design variable {name!r}",
            f"one of: {', '.join(DESIGN_SOURCES)}",
        )
        return None
    item = raw.get("item")
    if source == "item" and not isinstance(item, str):
        reader.error(
            path,
            None,
            f"design variable {name!r} has source: item but no item:",
            "name the item that asks it, e.g. item: region",
        )
        return None
    if source != "item" and item is not None:
        reader.error((*path, "item"), None, f"item: is only for source: item (design variable {name!r})", "")
    groups = _groups(reader, (*path, "groups"), raw.get("groups"), name)
    param = raw.get("param")
    if source == "link":
        param = param if isinstance(param, str) else name
    return DesignVariable(name, source, item if source == "item" else None, param, groups)


def _groups(reader: Reader, path: Path_, data: Any, name: str) -> Groups:
    if data is None:
        return ()
    ok = isinstance(data, list) and all(
        isinstance(g, list) and len(g) == 2 and all(v is None or is_number(v) for v in g) for g in data
    )
    if not ok:
        reader.error(
            path, None, f"groups of {name!r} must be a list of [min, max] pairs", "e.g. [[18, 29], [30, null]]"
        )
        return ()
    groups = [tuple(g) for g in data]
    previous_high: float | None = None
    for index, (low, high) in enumerate(groups):
        if low is not None and high is not None and low > high:
            reader.error(path, None, f"group {index + 1} of {name!r} has min > max", "write [min, max]")
        if index and (previous_high is None or low is None or low <= previous_high):
            reader.error(
                path,
                None,
                f"groups of {name!r} overlap or are not ascending",
                "each group must start above the end of the previous one",
            )
            break
        previous_high = high
    return tuple((g[0], g[1]) for g in groups)

"""Rules across the versions of one instrument: an item code keeps its meaning."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .build import SourceMap
from .model import Item, QuestionnaireVersion
from .problem import Problem


def version_sort_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: 2024 < 2025 < 2025b < 2026 < 10000."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", version))


def incompatibility(old: Item, new: Item) -> str | None:
    """Why `new` cannot carry the meaning of `old` (type or choice list changed), or None."""
    if old.type != new.type:
        return f"was {old.type} and is {new.type}"
    if old.choices is None or new.choices is None:
        return None
    changes = []
    for choice in old.choices.choices:
        now = new.choices.get(choice.code)
        if now is None:
            changes.append(f"choice {choice.code!r} was removed")
        elif now.value != choice.value:
            changes.append(f"choice {choice.code!r} changed value {choice.value} -> {now.value}")
        elif now.special != choice.special:
            changes.append(f"choice {choice.code!r} changed special {choice.special} -> {now.special}")
    return "; ".join(changes) or None


def _latest_with(code: str, earlier: Sequence[QuestionnaireVersion]) -> tuple[QuestionnaireVersion, Item] | None:
    for version in reversed(earlier):
        for item in version.items:
            if item.code == code:
                return version, item
    return None


def check_history(
    versions: Sequence[tuple[QuestionnaireVersion, SourceMap]], report_for: set[str] | None = None
) -> list[Problem]:
    """Problems of every version against the earlier ones; only for versions whose file is in report_for."""
    ordered = sorted(versions, key=lambda pair: version_sort_key(pair[0].version))
    problems: list[Problem] = []
    for index, (version, source) in enumerate(ordered):
        if report_for is not None and source.file not in report_for:
            continue
        earlier = [v for v, _ in ordered[:index]]
        codes = {item.code for item in version.items}

        def error(item: Item, key: str | None, message: str, hint: str, source: SourceMap = source) -> None:
            problems.append(Problem(source.file, source.item_line(item.code, key), item.code, message, hint))

        for item in version.items:
            for key in ("renamed_from", "replaces"):
                old_code = getattr(item, key)
                if old_code is None:
                    continue
                if old_code == item.code:
                    error(
                        item,
                        key,
                        f"{key} names the item itself",
                        "a kept code needs no declaration; a changed item needs a new code",
                    )
                    continue
                found = _latest_with(old_code, earlier)
                if found is None:
                    names = ", ".join(v.version for v in earlier) or "none"
                    error(
                        item,
                        key,
                        f"{key}: no earlier version of {version.instrument!r} has item {old_code!r}",
                        f"earlier versions: {names}; check the code",
                    )
                    continue
                if old_code in codes:
                    error(
                        item,
                        key,
                        f"{key}: {old_code!r} is still an item of this version",
                        f"an item cannot be {'renamed' if key == 'renamed_from' else 'replaced'} and kept",
                    )
                    continue
                old_version, old_item = found
                why = incompatibility(old_item, item)
                if key == "renamed_from" and why:
                    error(
                        item,
                        key,
                        f"renamed_from {old_code!r} (version {old_version.version}) but the item {why}",
                        f"a rename keeps the meaning; for a changed item write replaces: {old_code}",
                    )
            found = _latest_with(item.code, earlier)
            if found is None:
                continue
            old_version, old_item = found
            why = incompatibility(old_item, item)
            if why:
                error(
                    item,
                    "type" if old_item.type != item.type else "choices",
                    f"code {item.code!r} reused with a different meaning: compared with version "
                    f"{old_version.version} it {why}",
                    f"keep the old type and choices, or give the item a new code and declare replaces: {item.code}",
                )
    return problems

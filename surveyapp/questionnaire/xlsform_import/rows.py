"""One row of an XLSForm sheet, with the type, list and group control that its type column spells."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# pyxform's spellings of a group, repeat or loop row: begin_group, begin group, begin repeat, begin loop over x.
_CONTROL: Final = re.compile(r"^(begin|end)[\s_]+(group|lgroup|repeat|looped group|loop)(?:\s+(?:over\s+)?(\S+))?$")
# pyxform's older spellings of a select: "select one from x", "select all that apply from x or specify other".
_SELECT_ALIAS: Final = re.compile(
    r"^(select all that apply|select multiple|select one|select1)(?:\s+from)?\s+(\S+)"
    r"(\s+or specify other|\s+or_other)?$",
    re.I,
)
_MULTIPLE_ALIASES: Final = frozenset({"select all that apply", "select multiple"})
_REPEATS: Final = {"lgroup": "repeat", "repeat": "repeat", "looped group": "repeat", "loop": "loop"}


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

"""Choice names that are not codes here (KoboToolbox's 1, 2, 3; 'Yes'; a name repeated under two parents of a
cascading list) renamed to codes, with every rule and choice column that spells them rewritten alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from ..build.reader import CODE_RE
from .rows import Row

_RULE_KEYS: Final = ("relevant", "constraint", "calculation", "choice_filter")
_NUMBER: Final = re.compile(r"^-?\d+(\.\d+)?$")


def code_for(name: str) -> str:
    """'1' -> 'c_1', '-9' -> 'c_m9', 'Yes' -> 'yes', 'king county' -> 'king_county'."""
    text = name.strip().lower().replace("-", "m" if name.strip().startswith("-") else "_", 1)
    fixed = re.sub(r"[^a-z0-9_]+", "_", text).strip("_") or "code"
    if not fixed[0].isalpha():
        fixed = f"c_{fixed}"
    return fixed[:64]


def renamed_codes(choice_lists: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, str]]:
    """Per list, old name -> new code for the choices whose name is not a code or repeats an earlier one;
    the choices are renamed in place, a number keeping its meaning as the choice's value."""
    renamed: dict[str, dict[str, str]] = {}
    for name, choices in choice_lists.items():
        taken: set[str] = set()
        for choice in choices:
            old = str(choice["code"])
            new = old if CODE_RE.match(old) else code_for(old)
            base, n = new, 2
            while new in taken:
                new, n = f"{base}_{n}", n + 1
            taken.add(new)
            if new != old:
                renamed.setdefault(name, {})[old] = new
                choice["code"] = new
                if _NUMBER.match(old) and "value" not in choice and "special" not in choice:
                    number = float(old)
                    choice["value"] = int(number) if number.is_integer() else number
    return renamed


def items_of(sections: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for section in sections:
        yield section
        for item in section.get("items", []):
            yield item
            yield from items_of([item]) if "items" in item else ()


def rewrite_rules(
    sections: list[dict[str, Any]], choice_lists: dict[str, list[dict[str, Any]]], renamed: dict[str, dict[str, str]]
) -> None:
    """Rules comparing a question with a renamed choice, and choice columns (parent, filter columns) holding
    one, spelled with the new codes."""
    by_item = {
        item["code"]: renamed[item["choices"]]
        for item in items_of(sections)
        if isinstance(item.get("choices"), str) and item["choices"] in renamed
    }
    if not by_item:
        return
    for item in items_of(sections):
        for key in _RULE_KEYS:
            if isinstance(item.get(key), str):
                item[key] = _rewrite(item[key], by_item)
        lists = [item["choices"]] if isinstance(item.get("choices"), str) else []
        for list_name in lists:
            _rewrite_columns(item, choice_lists.get(list_name, []), by_item)


def _rewrite(rule: str, by_item: dict[str, dict[str, str]]) -> str:
    for code, codes in by_item.items():
        name = re.escape(code)
        olds = "|".join(re.escape(old) for old in sorted(codes, key=len, reverse=True))

        def new(match: re.Match[str], codes: dict[str, str] = codes) -> str:
            return match.group("pre") + "'" + codes[match.group("old")] + "'" + match.group("post")

        patterns = (
            rf"(?P<pre>\bselected\(\s*{name}\s*,\s*)(['\"])(?P<old>{olds})\2(?P<post>\s*\))",
            rf"(?P<pre>(?<![\w.]){name}\s*!?=\s*)(['\"]?)(?P<old>{olds})\2(?P<post>)(?![\w.'\"])",
            rf"(?P<pre>)(['\"])(?P<old>{olds})\2(?P<post>\s*!?=\s*{name})(?![\w.])",
        )
        for pattern in patterns:
            rule = re.sub(pattern, new, rule)
    return rule


def _rewrite_columns(item: dict[str, Any], choices: list[dict[str, Any]], by_item: dict[str, dict[str, str]]) -> None:
    """A cascading list's `parent` names a choice of the question its filter reads; a general filter's
    `choice.col = question` compares a column with that question's codes."""
    rule = item.get("choice_filter")
    if not isinstance(rule, str):
        return
    if CODE_RE.match(rule.strip()) and rule.strip() in by_item:
        columns = {"parent": by_item[rule.strip()]}
    else:
        columns = {}
        for col, other in re.findall(r"choice\.(\w+)\s*=\s*(\w+)", rule) + [
            (c, o) for o, c in re.findall(r"(\w+)\s*=\s*choice\.(\w+)", rule)
        ]:
            if other in by_item:
                columns[col] = by_item[other]
    for choice in choices:
        for column, codes in columns.items():
            if column == "parent" and str(choice.get("parent", "")) in codes:
                choice["parent"] = codes[str(choice["parent"])]
            cells = choice.get("columns", {})
            if column in cells and str(cells[column]) in codes:
                cells[column] = codes[str(cells[column])]


_REFERENCE: Final = re.compile(r"\$\{([^}]*)\}")


def rename_item_names(sheets: dict[str, list[Row]]) -> dict[str, str]:
    """Old name -> new code for the survey's names that are not codes here (ODK's ``HPlevel``,
    ``numberAsString``), the rows renamed in place: each row's name cell, and every ``${old}`` in any cell of
    the survey and choices sheets (rules, choice filters, repeat counts, labels). A new code never takes a name
    the form already uses."""
    survey = sheets.get("survey", [])
    names = [row.values["name"] for row in survey if row.values.get("name")]
    taken = {name for name in names if CODE_RE.match(name)}
    renamed: dict[str, str] = {}
    for name in names:
        if CODE_RE.match(name) or name in renamed:
            continue
        new = base = code_for(name)
        n = 2
        while new in taken:
            new, n = f"{base}_{n}", n + 1
        taken.add(new)
        renamed[name] = new
    if not renamed:
        return renamed

    def reference(match: re.Match[str]) -> str:
        return "${" + renamed.get(match.group(1), match.group(1)) + "}"

    for sheet in ("survey", "choices"):
        for row in sheets.get(sheet, []):
            for key, value in row.values.items():
                if sheet == "survey" and key == "name" and value in renamed:
                    row.values[key] = renamed[value]
                elif "${" in value:
                    row.values[key] = _REFERENCE.sub(reference, value)
    return renamed


def rename_references(sections: list[dict[str, Any]], renamed: dict[str, str]) -> None:
    """Rules (already in this platform's spelling: bare names) and labels (``${name}``) that refer to a
    question renamed after the rules were read, spelled with its new code."""
    words = "|".join(re.escape(old) for old in sorted(renamed, key=len, reverse=True))
    bare = re.compile(rf"(?<![\w.'\"])({words})(?![\w'\"])")
    for item in items_of(sections):
        for key in _RULE_KEYS:
            if isinstance(item.get(key), str):
                item[key] = bare.sub(lambda m: renamed[m.group(1)], item[key])
        for key in ("label", "hint"):
            texts = item.get(key)
            if isinstance(texts, dict):
                for lang, text in texts.items():
                    if isinstance(text, str) and "${" in text:
                        texts[lang] = _REFERENCE.sub(lambda m: "${" + renamed.get(m.group(1), m.group(1)) + "}", text)

"""The order of a breakdown table as the reader chooses it: by value, or alphabetically in the page's language.

Python's default string order is by code point, which puts the Kazakh letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і) after
я and ё after я: the Kazakh and Russian alphabets are spelled out here instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from analysis.report import BreakdownRow

ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def alphabetical_key(text: str, language: str) -> tuple[tuple[int, str], ...]:
    alphabet = ALPHABETS.get(language, ALPHABETS["ru"])
    key = []
    for char in text.lower():
        place = alphabet.find(char)
        key.append((place, "") if place >= 0 else (len(alphabet), char))
    return tuple(key)


def sort_rows(rows: Iterable[BreakdownRow], order: str, language: str, min_cell_n: int) -> list[BreakdownRow]:
    """``value``: highest first whatever the indicator's direction (an order, not a ranking of good and bad),
    withheld cells last in alphabetical order (they have no value to order by); ``name``: alphabetical."""
    items = list(rows)
    if order == "name":
        return sorted(items, key=lambda r: alphabetical_key(r.label, language))
    shown = [r for r in items if not r.is_hidden(min_cell_n) and r.value.estimate is not None]
    hidden = [r for r in items if r not in shown]
    shown.sort(key=lambda r: r.value.estimate or 0.0, reverse=True)
    return shown + sorted(hidden, key=lambda r: alphabetical_key(r.label, language))

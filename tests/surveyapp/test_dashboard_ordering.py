"""Breakdown tables in the order the reader chose: by value, or by the Kazakh or Russian alphabet."""

from __future__ import annotations

from analysis.report import BreakdownRow, Value
from surveyapp.dashboard.ordering import sort_rows


def _rows() -> list[BreakdownRow]:
    return [
        BreakdownRow("ulytau", "Ұлытау облысы", Value(70.0, n=40)),
        BreakdownRow("abai", "Абай облысы", Value(55.0, n=300)),
        BreakdownRow("atyrau", "Атырау облысы", Value(None, n=12), suppressed="small_n"),
        BreakdownRow("kostanay", "Қостанай облысы", Value(64.0, n=200)),
        BreakdownRow("yrysty", "Үржар", Value(61.0, n=200)),
        BreakdownRow("turkistan", "Түркістан облысы", Value(58.0, n=200)),
    ]


def test_by_value_highest_first_withheld_last() -> None:
    codes = [r.category for r in sort_rows(_rows(), "value", "kk", 30)]
    assert codes == ["ulytau", "kostanay", "yrysty", "turkistan", "abai", "atyrau"]


def test_kazakh_alphabet_puts_its_own_letters_in_place() -> None:
    # Code-point order would put Қ, Ұ, Ү after every Russian letter; the Kazakh alphabet has Қ after К,
    # Ұ and Ү after У.
    labels = [r.label for r in sort_rows(_rows(), "name", "kk", 30)]
    assert labels == ["Абай облысы", "Атырау облысы", "Қостанай облысы", "Түркістан облысы", "Ұлытау облысы", "Үржар"]


def test_russian_alphabet_puts_yo_after_ye() -> None:
    rows = [
        BreakdownRow("b", "Ёлкино", Value(1.0)),
        BreakdownRow("a", "Жана", Value(2.0)),
        BreakdownRow("c", "Есиль", Value(3.0)),
    ]
    assert [r.label for r in sort_rows(rows, "name", "ru", 30)] == ["Есиль", "Ёлкино", "Жана"]

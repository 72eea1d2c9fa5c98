"""The codebook: every variable with its labels in kk/ru/en, type, codes and their labels, missing codes, the
skip rule and the versions that asked it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from surveyapp.services.exports.table import SPECIAL_NUMBERS, STATA_MISSING, Variable

COLUMNS = (
    "variable",
    "item_code",
    "label_kk",
    "label_ru",
    "label_en",
    "type",
    "code",
    "number",
    "stata_missing",
    "value_label",
    "missing",
    "asked_if",
    "versions",
    "table",
)


def codebook_rows(by_language: Mapping[str, Sequence[Variable]]) -> list[dict[str, object]]:
    """One row per variable, then one row per code of a code variable. `by_language` holds the same variables
    built in each language (only their labels differ)."""
    kk, ru, en = (list(by_language[lang]) for lang in ("kk", "ru", "en"))
    rows: list[dict[str, object]] = []
    for v_kk, v_ru, v_en in zip(kk, ru, en, strict=True):
        rows.append(
            {
                "variable": v_en.name,
                "item_code": v_en.code,
                "label_kk": v_kk.label,
                "label_ru": v_ru.label,
                "label_en": v_en.label,
                "type": v_en.kind,
                "asked_if": v_en.rule,
                "versions": " ".join(v_en.versions),
                "table": v_en.table,
            }
        )
        for code, number in v_en.numbers.items():
            special = code in v_en.special
            rows.append(
                {
                    "variable": v_en.name,
                    "code": code,
                    "number": number,
                    "stata_missing": "." + STATA_MISSING.get(_special_kind(v_en, code), "z") if special else "",
                    "value_label": f"{v_kk.labels.get(code, '')} | {v_ru.labels.get(code, '')} | "
                    f"{v_en.labels.get(code, '')}",
                    "missing": "yes" if special else "",
                }
            )
    return [{column: row.get(column, "") for column in COLUMNS} for row in rows]


def _special_kind(variable: Variable, code: str) -> str:
    number = variable.numbers[code]
    return next((kind for kind, n in SPECIAL_NUMBERS.items() if n == number), "")

"""Public XLSForms of other organisations (tests/fixtures/xlsforms/SOURCE.md) taken as a researcher would: imported,
what the draft still needs named, that filled in, then answered by one synthetic respondent."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from surveyapp.questionnaire import validate_paths
from surveyapp.questionnaire.text import REQUIRED_LANGUAGES
from surveyapp.questionnaire.xlsform_import import Imported, import_xlsform

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xlsforms"
LANGUAGE_KEYS = {"kk", "ru", "en"}
# What an XLSForm cannot say and the researcher adds to the draft before publishing: Kazakh and Russian texts
# and the consent. Anything else the validator says about an imported draft is a defect of the import.
STILL_NEEDED = re.compile(r"has no (Russian \(ru\)|Kazakh \(kk\)) text|languages must include (kk|ru)|'consent'")


def instrument_code(path: Path) -> str:
    code = re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_")
    return code if code[:1].isalpha() else f"f_{code}"


def import_fixture(name: str, leave_out_media: bool = False) -> Imported:
    path = FIXTURES / name
    return import_xlsform(path, instrument_code(path), "1", leave_out_media=leave_out_media)


def _is_text(value: Any) -> bool:
    """A text mapping: kk/ru/en texts, and maybe the extra languages of the workbook under `extra`."""
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= LANGUAGE_KEYS | {"extra"}
        and all(isinstance(v, str) for k, v in value.items() if k != "extra")
        and isinstance(value.get("extra", {}), dict)
    )


def _fill_texts(node: Any) -> Any:
    """Every text given in one language only, in the others too, marked as a stand-in translation."""
    if _is_text(node):
        extra = node.get("extra", {})
        given = [v for k, v in node.items() if k != "extra" and v.strip()] + [v for v in extra.values() if v.strip()]
        source = given[0] if given else "…"
        return {**{lang: f"[{lang}] {source}" for lang in REQUIRED_LANGUAGES}, **{k: v for k, v in node.items() if v}}
    if isinstance(node, dict):
        return {key: _fill_texts(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill_texts(value) for value in node]
    return node


def completed(imported: Imported) -> dict[str, Any]:
    """The draft with what the researcher adds: the missing kk/ru texts and a consent text."""
    document = _fill_texts(yaml.safe_load(imported.yaml_text))
    document["languages"] = [lang for lang in ("kk", "ru", "en") if lang in REQUIRED_LANGUAGES or lang in
                             document.get("languages", [])]  # fmt: skip
    document.setdefault("consent", {"mode": "adult", "text": {"kk": "Сауалнама жасырын.", "ru": "Опрос анонимный."}})
    return document


def write(root: Path, document: dict[str, Any]) -> Path:
    path = root / document["instrument"] / "1.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def validation_errors(path: Path) -> list[str]:
    return [str(p) for p in validate_paths([path]) if p.is_error]

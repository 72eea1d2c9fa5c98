"""A questionnaire whose choice lists are narrowed by general choice_filter conditions (shared by the model,
respondent and browser tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .conftest import readme_example

SERVICES = [
    {"code": "police", "label": {"kk": "Полиция", "ru": "Полиция"}, "columns": {"kind": "state", "min_age": 18}},
    {"code": "court", "label": {"kk": "Сот", "ru": "Суд"}, "columns": {"kind": "state", "min_age": 25}},
    {"code": "ngo", "label": {"kk": "ҮЕҰ", "ru": "НКО"}, "columns": {"kind": "private", "min_age": 18}},
    {"code": "lawyer", "label": {"kk": "Адвокат", "ru": "Адвокат"}, "columns": {"kind": "private", "min_age": 25}},
]  # fmt: skip
KINDS = [
    {"code": "state", "label": {"kk": "Мемлекеттік", "ru": "Государственные"}},
    {"code": "private", "label": {"kk": "Жеке", "ru": "Частные"}},
]
ITEMS = [
    {"code": "kind", "type": "single_choice", "label": {"kk": "Қандай қызметтер?", "ru": "Какие службы?"},
     "choices": "kinds"},
    {"code": "used", "type": "multiple_choice", "label": {"kk": "Қайсысына бардыңыз?", "ru": "Куда обращались?"},
     "choices": "services", "choice_filter": "choice.kind = kind and choice.min_age <= age"},
    {"code": "best", "type": "single_choice", "label": {"kk": "Қайсысы жақсы?", "ru": "Какая лучше?"},
     "choices": "services", "choice_filter": "selected(used, choice.name)"},
]  # fmt: skip


def filtered_questionnaire(same_page: bool = True, instrument: str = "example") -> str:
    """The README's example with a page 'services'; `same_page=False` puts `best` on a page of its own, so its
    filter reads only earlier pages."""
    document = yaml.safe_load(readme_example())
    document["instrument"] = instrument
    document["choice_lists"]["services"] = SERVICES
    document["choice_lists"]["kinds"] = KINDS
    items = ITEMS if same_page else ITEMS[:2]
    document["sections"].insert(1, {"code": "services", "title": {"kk": "Қызметтер", "ru": "Службы"}, "items": items})
    if not same_page:
        document["sections"].insert(2, {"code": "best_one", "title": {"kk": "Ең жақсы", "ru": "Лучшая"},
                                        "items": ITEMS[2:]})  # fmt: skip
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def filtered_tree(tmp_path: Path, instrument: str, same_page: bool) -> Path:
    """The questionnaire written as `<instrument>/2025.yaml` in a tree holding the shipped shared lists."""
    shipped = Path(__file__).resolve().parents[3] / "questionnaires" / "_lists"
    root = tmp_path / "questionnaires"
    shutil.copytree(shipped, root / "_lists")
    path = root / instrument / "2025.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(filtered_questionnaire(same_page=same_page, instrument=instrument), encoding="utf-8")
    return path

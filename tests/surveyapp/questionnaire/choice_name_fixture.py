"""The README's example with rules that read a choice's label with choice_name() (XLSForm's jr:choice-name)."""

from __future__ import annotations

from typing import Any

import yaml

from .conftest import readme_example


def choice_name_document() -> dict[str, Any]:
    document = yaml.safe_load(readme_example())
    about = next(s for s in document["sections"] if s["code"] == "about_you")
    about["items"].append({"code": "region_name", "type": "calculate", "calculation": "choice_name(region, region)"})
    safety = next(s for s in document["sections"] if s["code"] == "safety")
    # A rule on the label itself, as real forms write them: true in Russian only, so the language must reach it.
    safety["items"].insert(0, {
        "code": "capital_why", "type": "text", "label": {"kk": "Неге астана?", "ru": "Почему столица?"},
        "relevant": "choice_name(region, region) = 'город Астана'",
    })  # fmt: skip
    return document


def choice_name_yaml() -> str:
    return yaml.safe_dump(choice_name_document(), allow_unicode=True, sort_keys=False)

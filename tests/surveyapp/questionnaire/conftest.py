"""Fixtures: a throw-away questionnaires/ tree holding the README's example and the real shared lists."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from surveyapp.questionnaire import QuestionnaireVersion, load_version

ROOT = Path(__file__).resolve().parents[3]
QUESTIONNAIRES = ROOT / "questionnaires"


def readme_example() -> str:
    text = (QUESTIONNAIRES / "README.md").read_text(encoding="utf-8")
    section = text.split("## A complete example", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "the README must keep a complete example in a yaml block"
    return match.group(1)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    return root


@pytest.fixture
def write(tree: Path) -> Callable[..., Path]:
    def _write(text: str, instrument: str = "example", version: str = "2025") -> Path:
        path = tree / instrument / f"{version}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def example(write: Callable[..., Path]) -> QuestionnaireVersion:
    return load_version(write(readme_example()))

"""Shared choice lists in questionnaires/_lists/<name>.yaml (regions, settlement, sex, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problem import Problem
from .yamlsource import Document, YamlSourceError, read_document

LISTS_FOLDER = "_lists"


@dataclass
class SharedList:
    name: str
    path: Path
    document: Document
    problems: list[Problem] = field(default_factory=list)

    @property
    def raw_choices(self) -> Any:
        data = self.document.data
        return data.get("choices") if isinstance(data, dict) else None


def read_shared_lists(root: Path, display: Any = str) -> dict[str, SharedList]:
    """All lists under root/_lists; structural problems of the list itself are checked where it is used."""
    folder = root / LISTS_FOLDER
    result: dict[str, SharedList] = {}
    if not folder.is_dir():
        return result
    for path in sorted(folder.glob("*.yaml")):
        try:
            document = read_document(path)
        except YamlSourceError as exc:
            document = Document(data=None)
            problems = [Problem(display(path), exc.line, None, exc.message, "fix the YAML syntax")]
            result[path.stem] = SharedList(path.stem, path, document, problems)
            continue
        shared = SharedList(path.stem, path, document)
        data = document.data
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            shared.problems.append(
                Problem(
                    display(path), 1, None, "a shared list needs `list:` and `choices:`", "see questionnaires/README.md"
                )
            )
        elif data.get("list") != path.stem:
            shared.problems.append(
                Problem(
                    display(path),
                    document.line(("list",)),
                    None,
                    f"`list: {data.get('list')}` does not match the file name {path.stem!r}",
                    f"write `list: {path.stem}`",
                )
            )
        result[path.stem] = shared
    return result

"""YAML reading that remembers the line of every node.

PyYAML's constructed objects forget where they came from, so the node tree is walked here and a
path -> line map is kept next to plain dicts and lists. Booleans are only true/false (YAML 1.1 would turn
a choice code `no` into False) and dates stay strings (they are compared as ISO text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import yaml

from .errors import QuestionnaireError

Path_: TypeAlias = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class YamlSourceError(QuestionnaireError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Document:
    """Plain data read from YAML plus the line (1-based) of every mapping entry and list element."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[int, str]] = field(default_factory=list)

    def line(self, path: Path_) -> int:
        """Line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def read_document(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSourceError(f"not UTF-8 text: {exc.reason}", 1) from exc
    return parse_document(text)


def parse_document(text: str) -> Document:
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            raise YamlSourceError(f"YAML syntax: {exc.problem or exc.context}", line) from exc
        except yaml.YAMLError as exc:
            raise YamlSourceError(f"YAML syntax: {exc}", 1) from exc
        doc = Document(data=None)
        doc.lines[()] = 1
        if node is not None:
            doc.lines[()] = node.start_mark.line + 1
            doc.data = _convert(loader, node, (), doc)
        return doc
    finally:
        loader.dispose()


def _convert(loader: _Loader, node: yaml.Node, path: Path_, doc: Document) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, path, doc)
            if isinstance(key, list | dict):
                raise YamlSourceError("a mapping key must be a plain value", key_node.start_mark.line + 1)
            key = str(key) if not isinstance(key, str) else key
            line = key_node.start_mark.line + 1
            if key in result:
                doc.duplicate_keys.append((line, key))
            doc.lines[(*path, key)] = line
            result[key] = _convert(loader, value_node, (*path, key), doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            doc.lines[(*path, index)] = child.start_mark.line + 1
            items.append(_convert(loader, child, (*path, index), doc))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise YamlSourceError(f"YAML value: {exc}", node.start_mark.line + 1) from exc

"""A parsed expression: its text, its syntax tree, and what validation and the export ask of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .evaluator import MISSING, _Evaluator, truthy
from .nodes import COMPARISONS, Binary, Call, Current, Literal, Name, Node, walk
from .parser import _Parser
from .xlsform_syntax import _xlsform


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression. Equality compares the syntax tree, so spacing does not matter."""

    text: str
    node: Node

    @classmethod
    def parse(cls, text: str) -> Expression:
        return cls(text.strip(), _Parser(text).parse())

    def evaluate(self, answers: Mapping[str, Any], current: Any = MISSING) -> Any:
        """Value of the expression; `current` is the answer that `.` stands for."""
        return _Evaluator(answers, current).value(self.node)

    def is_true(self, answers: Mapping[str, Any], current: Any = MISSING) -> bool:
        return truthy(self.evaluate(answers, current))

    def names(self) -> list[Name]:
        return [node for node in walk(self.node) if isinstance(node, Name)]

    def calls(self) -> list[Call]:
        return [node for node in walk(self.node) if isinstance(node, Call)]

    @property
    def uses_current(self) -> bool:
        return any(isinstance(node, Current) for node in walk(self.node))

    def comparisons(self) -> list[tuple[str, Node, Node]]:
        return [(n.op, n.left, n.right) for n in walk(self.node) if isinstance(n, Binary) and n.op in COMPARISONS]

    def literals(self) -> list[Literal]:
        return [node for node in walk(self.node) if isinstance(node, Literal)]

    def to_xlsform(self, choice_filter: bool = False) -> str:
        """XLSForm's spelling; in a `choice_filter`, `choice.<column>` becomes the bare column name."""
        return _xlsform(self.node, choice=choice_filter)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and self.node == other.node

    def __hash__(self) -> int:
        return hash(self.node)

    def __str__(self) -> str:
        return self.text

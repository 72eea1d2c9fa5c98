"""The syntax tree of an expression, and a walk over all of its nodes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

COMPARISONS: Final = ("=", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | int | float | bool


@dataclass(frozen=True, slots=True)
class Name:
    code: str
    row: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.code}.{self.row}" if self.row else self.code


@dataclass(frozen=True, slots=True)
class Current:
    pass


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "not" | "-"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    target: Name | Current
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Apply:
    function: str  # a key of GENERAL_FUNCTIONS
    args: tuple[Node, ...]


Node = Literal | Name | Current | Unary | Binary | Call | Apply


def walk(node: Node) -> Iterator[Node]:
    yield node
    match node:
        case Unary(operand=operand):
            yield from walk(operand)
        case Binary(left=left, right=right):
            yield from walk(left)
            yield from walk(right)
        case Call(target=target):
            yield from walk(target)
        case Apply(args=args):
            for arg in args:
                yield from walk(arg)

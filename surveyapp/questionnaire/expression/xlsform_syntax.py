"""A syntax tree written back in XLSForm's spelling (${code}, div, count-selected(), true()) for the export."""

from __future__ import annotations

from typing import Final

from .nodes import COMPARISONS, Apply, Binary, Call, Current, Literal, Name, Node, Unary

_PRECEDENCE: Final = {"or": 1, "and": 2, "not": 3, **dict.fromkeys(COMPARISONS, 4), "+": 5, "-": 5, "*": 6, "/": 6}


def _xlsform(node: Node, parent: int = 0, choice: bool = False) -> str:
    """`choice`: inside a choice_filter, where `choice.<column>` is written as XLSForm's bare column name."""

    def inner(child: Node, level: int = 0) -> str:
        return _xlsform(child, level, choice)

    match node:
        case Literal(value=bool() as value):
            return "true()" if value else "false()"
        case Literal(value=str() as value):
            return f'"{value}"' if "'" in value else f"'{value}'"
        case Literal(value=value):
            return str(value)
        case Current():
            return "."
        case Name(code="choice", row=str() as column) if choice:
            return "name" if column == "code" else column
        case Name(code=code, row=row):
            return "${" + (f"{code}_{row}" if row else code) + "}"
        case Unary(op="not", operand=operand):
            return f"not({inner(operand)})"
        case Unary(operand=operand):
            return f"-{inner(operand, 7)}"
        case Binary(op=op, left=left, right=right):
            level = _PRECEDENCE[op]
            text = f"{inner(left, level)} {'div' if op == '/' else op} {inner(right, level + 1)}"
            return f"({text})" if level < parent else text
        case Call(function="answered", target=target):
            return f"{inner(target)} != ''"
        case Call(function="count_selected", target=target):
            return f"count-selected({inner(target)})"
        case Call(target=target, code=code):
            return f"selected({inner(target)}, '{code}')"
        case Apply(function="choice_name", args=(value, Name(code=code))):
            return f"jr:choice-name({inner(value)}, '${{{code}}}')"
        case Apply(function="position"):
            return "position(..)"
        case Apply(function=function, args=args):
            return f"{function.replace('_', '-')}({', '.join(inner(arg) for arg in args)})"
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover

"""Parsed expressions as JSON, for the browser's interpreter (static/js/respond.js).

There is one parser, in Python: the page carries each rule's syntax tree, never its text, so the browser
cannot read a rule differently from the server. Node shapes (short keys keep the page small):

    ["lit", value]            a number, string or boolean
    ["name", code, row|null]  an answer; `row` for one row of a matrix
    ["cur"]                   `.`, the answer being checked
    ["not", node] / ["neg", node]
    [op, left, right]         op in or and = != < <= > >= + - * /
    ["call", function, target, code|null]
    ["apply", function, [args]]  if, concat, regex, selected_at, today, now and the value functions
"""

from __future__ import annotations

from typing import Any

from .expression import Apply, Binary, Call, Current, Expression, Literal, Name, Node, Unary

Json = list[Any]


def node_json(node: Node) -> Json:
    match node:
        case Literal(value=value):
            return ["lit", value]
        case Name(code=code, row=row):
            return ["name", code, row]
        case Current():
            return ["cur"]
        case Unary(op="not", operand=operand):
            return ["not", node_json(operand)]
        case Unary(operand=operand):
            return ["neg", node_json(operand)]
        case Binary(op=op, left=left, right=right):
            return [op, node_json(left), node_json(right)]
        case Call(function=function, target=target, code=code):
            return ["call", function, node_json(target), code]
        case Apply(function=function, args=args):
            return ["apply", function, [node_json(arg) for arg in args]]
    raise TypeError(f"not an expression node: {node!r}")


def expression_json(expression: Expression | None) -> Json | None:
    return None if expression is None else node_json(expression.node)

"""The value of a syntax tree for given answers: unanswered is None, and None spreads as the docstring says."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any, Final

from .functions import CHOICE_NAMES_KEY, POSITION_KEY
from .nodes import COMPARISONS, Apply, Binary, Call, Current, Literal, Name, Node, Unary

MISSING: Final = object()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def truthy(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if _is_number(value):
        return value != 0
    return bool(value)


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        if not (isinstance(left, bool) and isinstance(right, bool)) or op not in ("=", "!="):
            return False
    elif not ((_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str))):
        return False
    match op:
        case "=":
            return bool(left == right)
        case "!=":
            return bool(left != right)
        case "<":
            return bool(left < right)
        case "<=":
            return bool(left <= right)
        case ">":
            return bool(left > right)
        case _:
            return bool(left >= right)


def _arithmetic(op: str, left: Any, right: Any) -> int | float | None:
    if not (_is_number(left) and _is_number(right)):
        return None
    match op:
        case "+":
            return left + right
        case "-":
            return left - right
        case "*":
            return left * right
        case _:
            return None if right == 0 else left / right


def lookup(answers: Mapping[str, Any], name: Name) -> Any:
    if name.row is None:
        return answers.get(name.code)
    if name.ref in answers:
        return answers[name.ref]
    parent = answers.get(name.code)
    return parent.get(name.row) if isinstance(parent, Mapping) else None


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple | set | dict) and not value)


class _Evaluator:
    def __init__(self, answers: Mapping[str, Any], current: Any) -> None:
        self.answers = answers
        self.current = None if current is MISSING else current

    def value(self, node: Node) -> Any:
        match node:
            case Literal(value=value):
                return value
            case Current():
                return None if _empty(self.current) else self.current
            case Name():
                found = lookup(self.answers, node)
                return None if _empty(found) else found
            case Unary(op="not", operand=operand):
                return not truthy(self.value(operand))
            case Unary(operand=operand):
                inner = self.value(operand)
                return -inner if _is_number(inner) else None
            case Binary(op="and", left=left, right=right):
                return truthy(self.value(left)) and truthy(self.value(right))
            case Binary(op="or", left=left, right=right):
                return truthy(self.value(left)) or truthy(self.value(right))
            case Binary(op=op, left=left, right=right) if op in COMPARISONS:
                return _compare(op, self.value(left), self.value(right))
            case Binary(op=op, left=left, right=right):
                return _arithmetic(op, self.value(left), self.value(right))
            case Call():
                return self.call(node)
            case Apply():
                return self.apply(node)
        raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover

    def call(self, node: Call) -> Any:
        target = self.value(node.target)
        if node.function == "answered":
            return target is not None
        if node.function == "count_selected":
            if target is None:
                return 0
            if isinstance(target, list | tuple | set):
                return len(target)
            if isinstance(target, Mapping):
                return sum(1 for v in target.values() if not _empty(v))
            return 1
        if isinstance(target, list | tuple | set):
            return node.code in target
        return isinstance(target, str) and target == node.code

    def apply(self, node: Apply) -> Any:
        if node.function == "if":
            return self.value(node.args[1] if truthy(self.value(node.args[0])) else node.args[2])
        if node.function == "today":
            return dt.date.today().isoformat()
        if node.function == "now":
            return dt.datetime.now().replace(microsecond=0).isoformat()
        if node.function in _REPEAT_FUNCTIONS:
            return self.repeat_function(node)
        if node.function == "choice_name":
            return self.choice_name(node)
        values = [self.value(arg) for arg in node.args]
        if node.function == "selected":  # selected(q, expression): the code is computed
            chosen, code = values
            if code is None:
                return False
            code = _text(code)
            return code in chosen if isinstance(chosen, list | tuple | set) else chosen == code
        if node.function in _VALUE_FUNCTIONS:
            return _VALUE_FUNCTIONS[node.function](values)
        if node.function == "concat":
            return "".join(_text(v) for v in values)
        if node.function == "regex":
            return values[0] is not None and re.search(str(values[1]), _text(values[0])) is not None
        chosen, index = values  # selected_at
        if not _is_number(index) or not float(index).is_integer():
            return None
        codes = list(chosen) if isinstance(chosen, list | tuple) else [chosen] if isinstance(chosen, str) else []
        return codes[int(index)] if 0 <= index < len(codes) else None

    def choice_name(self, node: Apply) -> str | None:
        """XLSForm's jr:choice-name(value, '${q}'): the label of choice `value` of q in the respondent's
        language; null when unanswered, not one of q's codes, or when the context carries no labels."""
        value, question = self.value(node.args[0]), node.args[1]
        names = self.answers.get(CHOICE_NAMES_KEY)
        if value is None or not isinstance(question, Name) or not isinstance(names, Mapping):
            return None
        labels = names.get(question.code)
        label = labels.get(_text(value)) if isinstance(labels, Mapping) else None
        return label or None

    def repeat_function(self, node: Apply) -> Any:
        if node.function == "position":
            return self.answers.get(POSITION_KEY)
        if node.function == "count":
            target = node.args[0]
            value = self.answers.get(target.code) if isinstance(target, Name) and target.row is None else None
            value = self.value(target) if value is None else value
            if value is None:
                return 0
            return len(value) if isinstance(value, list | tuple | set) else 1
        if node.function == "sum":
            target = node.args[0]
            column = repeat_column(self.answers, target.code) if isinstance(target, Name) else None
            if column is None:
                column = [self.value(target)]
            numbers = [v for v in column if _is_number(v)]
            return sum(numbers) if numbers else 0
        item, repeat, index = node.args  # indexed_repeat
        position = self.value(index)
        if not (isinstance(item, Name) and isinstance(repeat, Name)) or not _is_number(position):
            return None
        instances = self.answers.get(repeat.code)
        if not isinstance(instances, list) or not float(position).is_integer() or not 1 <= position <= len(instances):
            return None
        found = (
            instances[int(position) - 1].get(item.code) if isinstance(instances[int(position) - 1], Mapping) else None
        )
        return None if _empty(found) else found


def repeat_column(answers: Mapping[str, Any], code: str) -> list[Any] | None:
    """Item `code`'s answers in every instance of the repeat that asks it, when the answers hold that repeat
    (stored as a list of one dict per instance); None when no repeat there has the item."""
    for value in answers.values():
        rows = isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value)
        if rows and any(code in instance for instance in value):
            return [instance.get(code) for instance in value]
    return None


_REPEAT_FUNCTIONS: Final = frozenset({"count", "sum", "position", "indexed_repeat"})


def _coalesce(values: list[Any]) -> Any:
    return next((v for v in values if v is not None), None)


def _string_length(values: list[Any]) -> int:
    return len(_text(values[0]))


def _substr(values: list[Any]) -> str:
    """XPath substr as ODK has it: 0-based start, end exclusive, both clipped to the text."""
    text = _text(values[0])
    bounds = values[1:]
    if not all(_is_number(b) for b in bounds):
        return ""
    start = max(0, int(bounds[0]))
    end = len(text) if len(bounds) == 1 else min(len(text), int(bounds[1]))
    return text[start:end] if start < end else ""


def _round(values: list[Any]) -> int | float | None:
    """Half away from zero, not Python's half-to-even: the browser rounds the same way with the same doubles."""
    number, places = (values[0], values[1] if len(values) > 1 else 0)
    if not (_is_number(number) and _is_number(places)) or not float(places).is_integer():
        return None
    scale = 10.0 ** int(places)
    rounded = math.floor(abs(number) * scale + 0.5) / scale
    rounded = -rounded if number < 0 else rounded
    return int(rounded) if int(places) <= 0 else rounded


def _number(values: list[Any]) -> int | float | None:
    value = values[0]
    if isinstance(value, bool):
        return 1 if value else 0
    if _is_number(value):
        return value
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        parsed = float(value.strip())
        return int(parsed) if parsed.is_integer() and "." not in value and "e" not in value.lower() else parsed
    return None


def _int(values: list[Any]) -> int | None:
    number = _number(values)
    return None if number is None else math.trunc(number)


_NUMBER_TEXT: Final = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_VALUE_FUNCTIONS: Final = {
    "coalesce": _coalesce,
    "string_length": _string_length,
    "substr": _substr,
    "round": _round,
    "int": _int,
    "number": _number,
}


def _text(value: Any) -> str:
    """A value as concat() and regex() read it; the browser writes numbers and lists the same way."""
    if value is None or isinstance(value, Mapping):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value)
    return str(value)

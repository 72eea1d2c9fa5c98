"""The expression language of relevant / constraint / calculation, parsed and evaluated without eval.

Grammar, loosest first:
    expr  := and ('or' and)*
    and   := not ('and' not)*
    not   := 'not' not | cmp
    cmp   := sum (('=' | '!=' | '<' | '<=' | '>' | '>=') sum)?
    sum   := prod (('+' | '-') prod)*
    prod  := unary (('*' | '/') unary)*
    unary := '-' unary | atom
    atom  := NUMBER | STRING | 'true' | 'false' | '.' | NAME ['.' NAME] | FUNC '(' args ')' | '(' expr ')'
Semantics: an unanswered item is None; a comparison involving None is false; arithmetic with None is None.

Functions of XLSForm that real forms use take any expressions as arguments (`Apply`): if(c, a, b), concat(...),
regex(value, 'pattern') (a match anywhere, as ODK's; the pattern is a quoted constant), selected_at(q, n)
(the n-th chosen code, from 0; XLSForm's selected-at) and today() (the ISO date). The browser's interpreter
(static/js/relevance.js) implements the same ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from .errors import ExpressionError

FUNCTIONS: Final = {"selected": 2, "count_selected": 1, "answered": 1}
# name -> (fewest, most) arguments; None: no upper bound.
GENERAL_FUNCTIONS: Final[dict[str, tuple[int, int | None]]] = {
    "if": (3, 3),
    "concat": (1, None),
    "regex": (2, 2),
    "selected_at": (2, 2),
    "today": (0, 0),
}
COMPARISONS: Final = ("=", "!=", "<", "<=", ">", ">=")
_KEYWORDS: Final = {"and", "or", "not", "true", "false"}
MISSING: Final = object()


# --- syntax tree -------------------------------------------------------------------------------------


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


# --- tokens ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # NUM STR NAME OP ( ) , . EOF
    value: str
    pos: int


_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|!=|==|=|<|>|\+|-|\*|/)
  | (?P<punct>[(),.])
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text.startswith("${", pos):
            raise ExpressionError(
                "XLSForm ${...} references are not used here", pos, "write the bare item code: age, not ${age}"
            )
        match = _TOKEN_RE.match(text, pos)
        if not match:
            char = text[pos]
            if char in "'\"":
                raise ExpressionError("unterminated string", pos, f"close the string with {char}")
            raise ExpressionError(f"unexpected character {char!r}", pos)
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "op" and value == "==":
            raise ExpressionError("'==' is not an operator here", pos, "use a single '=' as in XLSForm")
        if kind != "space":
            token_kind = {"num": "NUM", "str": "STR", "name": "NAME", "op": "OP"}.get(kind, value)
            tokens.append(_Token(token_kind, value, pos))
        pos = match.end()
    tokens.append(_Token("EOF", "", len(text)))
    return tokens


# --- parser ------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, value: str | None = None) -> bool:
        token = self.token
        return token.kind == kind and (value is None or token.value == value)

    def expect(self, kind: str, what: str) -> _Token:
        if not self.at(kind):
            self.fail(f"expected {what}")
        return self.advance()

    def fail(self, message: str, hint: str = "") -> None:
        token = self.token
        found = "end of expression" if token.kind == "EOF" else repr(token.value)
        raise ExpressionError(f"{message}, found {found} at column {token.pos + 1}", token.pos, hint)

    def parse(self) -> Node:
        if self.at("EOF"):
            self.fail("empty expression")
        node = self.parse_or()
        if not self.at("EOF"):
            self.fail("unexpected text after the expression", "join conditions with 'and' / 'or', or add an operator")
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.at("NAME", "or"):
            self.advance()
            node = Binary("or", node, self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.at("NAME", "and"):
            self.advance()
            node = Binary("and", node, self.parse_not())
        return node

    def parse_not(self) -> Node:
        if self.at("NAME", "not"):
            self.advance()
            return Unary("not", self.parse_not())
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        node = self.parse_sum()
        if self.at("OP") and self.token.value in COMPARISONS:
            op = self.advance().value
            node = Binary(op, node, self.parse_sum())
            if self.at("OP") and self.token.value in COMPARISONS:
                self.fail("comparisons cannot be chained", "write a < b and b < c")
        return node

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while self.at("OP") and self.token.value in ("+", "-"):
            op = self.advance().value
            node = Binary(op, node, self.parse_product())
        return node

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while self.at("OP") and self.token.value in ("*", "/"):
            op = self.advance().value
            node = Binary(op, node, self.parse_unary())
        return node

    def parse_unary(self) -> Node:
        if self.at("OP", "-"):
            self.advance()
            return Unary("-", self.parse_unary())
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.token
        if token.kind == "NUM":
            self.advance()
            return Literal(float(token.value) if "." in token.value else int(token.value))
        if token.kind == "STR":
            self.advance()
            return Literal(token.value[1:-1])
        if token.kind == "(":
            self.advance()
            node = self.parse_or()
            self.expect(")", "')'")
            return node
        if token.kind == ".":
            self.advance()
            return Current()
        if token.kind == "NAME":
            if token.value in ("true", "false"):
                self.advance()
                return Literal(token.value == "true")
            if token.value in _KEYWORDS:
                self.fail("expected a value")
            self.advance()
            if self.at("("):
                return self.parse_call(token)
            if self.at(".") and self.tokens[self.index + 1].kind == "NAME":
                self.advance()
                return Name(token.value, self.advance().value)
            return Name(token.value)
        self.fail("expected a value")
        raise AssertionError("unreachable")  # pragma: no cover  (fail always raises)

    def parse_call(self, name: _Token) -> Node:
        if name.value in GENERAL_FUNCTIONS:
            return self.parse_apply(name)
        if name.value not in FUNCTIONS:
            known = ", ".join([*FUNCTIONS, *GENERAL_FUNCTIONS])
            raise ExpressionError(f"unknown function {name.value!r}", name.pos, f"functions are: {known}")
        self.advance()  # (
        target = self.parse_atom()
        if not isinstance(target, Name | Current):
            raise ExpressionError(
                f"{name.value}() takes an item code as its first argument", name.pos, f"{name.value}(q, ...)"
            )
        code: str | None = None
        if FUNCTIONS[name.value] == 2:
            self.expect(",", "',' and a quoted choice code")
            code_token = self.expect("STR", "a quoted choice code")
            code = code_token.value[1:-1]
        self.expect(")", "')'")
        return Call(name.value, target, code)

    def parse_apply(self, name: _Token) -> Node:
        self.advance()  # (
        args: list[Node] = []
        if not self.at(")"):
            args.append(self.parse_or())
            while self.at(","):
                self.advance()
                args.append(self.parse_or())
        self.expect(")", "')'")
        fewest, most = GENERAL_FUNCTIONS[name.value]
        if len(args) < fewest or (most is not None and len(args) > most):
            wanted = str(fewest) if fewest == most else f"at least {fewest}"
            raise ExpressionError(
                f"{name.value}() takes {wanted} argument(s), got {len(args)}", name.pos, _USAGE[name.value]
            )
        if name.value == "regex":
            pattern = args[1]
            if not isinstance(pattern, Literal) or not isinstance(pattern.value, str):
                raise ExpressionError("regex() takes its pattern as a quoted constant", name.pos, _USAGE["regex"])
            try:
                re.compile(pattern.value)
            except re.error as error:
                raise ExpressionError(f"regex() pattern {pattern.value!r}: {error}", name.pos, "") from None
        return Apply(name.value, tuple(args))


_USAGE: Final = {
    "if": "if(condition, value_if_true, value_if_false)",
    "concat": "concat(a, ' ', b)",
    "regex": "regex(., '^[0-9]{12}$')",
    "selected_at": "selected_at(q, 0) for the first chosen code",
    "today": "today()",
}


# --- evaluation --------------------------------------------------------------------------------------


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
        values = [self.value(arg) for arg in node.args]
        if node.function == "concat":
            return "".join(_text(v) for v in values)
        if node.function == "regex":
            return values[0] is not None and re.search(str(values[1]), _text(values[0])) is not None
        chosen, index = values  # selected_at
        if not _is_number(index) or not float(index).is_integer():
            return None
        codes = list(chosen) if isinstance(chosen, list | tuple) else [chosen] if isinstance(chosen, str) else []
        return codes[int(index)] if 0 <= index < len(codes) else None


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


# --- public wrapper ----------------------------------------------------------------------------------


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


_PRECEDENCE: Final = {"or": 1, "and": 2, "not": 3, **dict.fromkeys(COMPARISONS, 4), "+": 5, "-": 5, "*": 6, "/": 6}


def _xlsform(node: Node, parent: int = 0) -> str:
    match node:
        case Literal(value=bool() as value):
            return "true()" if value else "false()"
        case Literal(value=str() as value):
            return f'"{value}"' if "'" in value else f"'{value}'"
        case Literal(value=value):
            return str(value)
        case Current():
            return "."
        case Name(code=code, row=row):
            return "${" + (f"{code}_{row}" if row else code) + "}"
        case Unary(op="not", operand=operand):
            return f"not({_xlsform(operand)})"
        case Unary(operand=operand):
            return f"-{_xlsform(operand, 7)}"
        case Binary(op=op, left=left, right=right):
            level = _PRECEDENCE[op]
            text = f"{_xlsform(left, level)} {'div' if op == '/' else op} {_xlsform(right, level + 1)}"
            return f"({text})" if level < parent else text
        case Call(function="answered", target=target):
            return f"{_xlsform(target)} != ''"
        case Call(function="count_selected", target=target):
            return f"count-selected({_xlsform(target)})"
        case Call(target=target, code=code):
            return f"selected({_xlsform(target)}, '{code}')"
        case Apply(function=function, args=args):
            return f"{function.replace('_', '-')}({', '.join(_xlsform(arg) for arg in args)})"
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover


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

    def to_xlsform(self) -> str:
        return _xlsform(self.node)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and self.node == other.node

    def __hash__(self) -> int:
        return hash(self.node)

    def __str__(self) -> str:
        return self.text

"""A recursive-descent parser of the grammar in the package's docstring, loosest operator first."""

from __future__ import annotations

import re

from ..errors import ExpressionError
from .functions import _USAGE, FUNCTIONS, GENERAL_FUNCTIONS
from .lexer import _KEYWORDS, _Token, tokenize
from .nodes import COMPARISONS, Apply, Binary, Call, Current, Literal, Name, Node, Unary


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
            if not self.at("STR"):
                # selected(q, choice.name) in a choice_filter: the code is only known when the rule runs, so the
                # validator cannot check it against q's list.
                value = self.parse_or()
                self.expect(")", "')'")
                return Apply(name.value, (target, value))
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
            wanted = str(fewest) if fewest == most else f"at least {fewest}" if most is None else f"{fewest} to {most}"
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
        if name.value == "choice_name" and not (isinstance(args[1], Name) and args[1].row is None):
            raise ExpressionError(
                "choice_name() takes the question whose choices it reads as its second argument, by its code",
                name.pos,
                _USAGE["choice_name"],
            )
        return Apply(name.value, tuple(args))

"""The tokens of an expression, with the column each starts at for the error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ..errors import ExpressionError

_KEYWORDS: Final = {"and", "or", "not", "true", "false"}


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

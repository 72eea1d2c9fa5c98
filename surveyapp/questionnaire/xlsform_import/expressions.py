"""XLSForm expressions (relevant, constraint, calculation) in this platform's expression language."""

from __future__ import annotations

import re
from typing import Any, Final

from ..errors import ExpressionError
from ..expression import FUNCTIONS, GENERAL_FUNCTIONS, Binary, Expression, Literal, Name, Node
from ..question_types import QUESTION_TYPES
from .rows import Row
from .state import ImportState

_REF: Final = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_EMPTY_TEST: Final = re.compile(r"(\$\{[^}]+\}|\.)\s*(!=|=)\s*(''|\"\")")
_REWRITE_HINT: Final = (
    "rewrite it with =, !=, <, >, and, or, not, selected(), count_selected(), answered(), if(), concat(), "
    "regex(), selected-at(), today(), now(), coalesce(), string-length(), substr(), round(), int(), number(), "
    "jr:choice-name(value, '${question}')"
)
# jr:choice-name(value, '${q}'): q is quoted in XPath (a path given as text); here it is a bare name. The value
# may hold one level of nested calls (selected-at(${q}, 0)).
_CHOICE_NAME: Final = re.compile(
    r"""jr:choice-name\(\s*((?:[^(),]|\((?:[^()]|\([^()]*\))*\))+?)\s*,\s*(['"])\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}\2\s*\)"""
)
_CALL: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_:-]*)\s*\(")


# In a choice_filter a bare name is a column of the choices sheet; quoted text, ${...}, numbers, function
# names and operators are not.
_FILTER_TOKENS: Final = re.compile(
    r"""(?P<skip>'[^']*'|"[^"]*"|\$\{[^}]*\}|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_:-]*(?=\s*\())|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"""
)
_XPATH_WORDS: Final = frozenset({"and", "or", "not", "div", "mod"})


def choice_filter_columns(text: str) -> tuple[str, set[str]]:
    """The filter with each bare column name as choice.<column>, and the columns it reads."""
    columns: set[str] = set()

    def name(match: re.Match[str]) -> str:
        word = match.group("name")
        if word is None or word in _XPATH_WORDS:
            return match.group()
        columns.add(word)
        return f"choice.{word}"

    return _FILTER_TOKENS.sub(name, text), columns


def _compared_with_numbers(rule: Expression, number_items: set[str]) -> set[str]:
    """The choice columns a filter compares with a number (a number item, a literal, arithmetic): ODK compares
    those as numbers, so the import reads their cells as numbers; the others stay text, like choice codes."""

    def numeric(node: Node) -> bool:
        return (
            (isinstance(node, Literal) and isinstance(node.value, int | float) and not isinstance(node.value, bool))
            or (isinstance(node, Name) and node.code in number_items)
            or (isinstance(node, Binary) and node.op in "+-*/")
        )

    found = set()
    for _op, left, right in rule.comparisons():
        for side, other in ((left, right), (right, left)):
            if isinstance(side, Name) and side.code == "choice" and side.row and numeric(other):
                found.add(side.row)
    return found


class ExpressionSteps(ImportState):
    """Rules carried over, or refused with what has no equivalent here."""

    def choice_filter(self, row: Row, text: str, matrix_rows: dict[str, str]) -> str | None:
        """A general choice_filter in this platform's spelling; the choices sheet's columns it reads are kept."""
        converted, columns = choice_filter_columns(text)
        rule = self.expression(row, "choice_filter", converted, matrix_rows, shown=text)
        if rule is not None:
            self.filter_columns |= columns - {"name", "parent"}
            self.numeric_columns |= _compared_with_numbers(Expression.parse(rule), self.number_items)
        return rule

    def expression(
        self, row: Row, column: str, text: str, matrix_rows: dict[str, str], shown: str | None = None
    ) -> str | None:
        """`shown`: the text as the form has it, when `text` was already rewritten, for the messages."""

        def name(match: re.Match[str]) -> str:
            return matrix_rows.get(match.group(1), match.group(1))

        def emptiness(match: re.Match[str]) -> str:
            target = match.group(1)
            return f"answered({target})" if match.group(2) == "!=" else f"not answered({target})"

        converted = _EMPTY_TEST.sub(emptiness, text)
        converted = _CHOICE_NAME.sub(lambda m: f"choice_name({m.group(1)}, ${{{m.group(3)}}})", converted)
        converted = _REF.sub(name, converted)
        converted = re.sub(r"\bcount-selected\(", "count_selected(", converted)
        converted = re.sub(r"\bselected-at\(", "selected_at(", converted)
        converted = re.sub(r"\bstring-length\(", "string_length(", converted)
        converted = re.sub(r"\bindexed-repeat\(", "indexed_repeat(", converted)
        # position(..) is the instance's own number: the only position() our language has.
        converted = re.sub(r"\bposition\(\s*\.\.\s*\)", "position()", converted)
        converted = re.sub(r"\btrue\(\)", "true", converted)
        converted = re.sub(r"\bfalse\(\)", "false", converted)
        converted = re.sub(r"\bdiv\b", "/", converted)
        known = {*FUNCTIONS, *GENERAL_FUNCTIONS, "not", "and", "or"}
        unknown = sorted({f for f in _CALL.findall(converted) if f not in known})
        if unknown:
            self.problem(
                row,
                f"{column} {shown or text!r} cannot be carried over: {', '.join(f + '()' for f in unknown)} has no "
                "equivalent here",
                _REWRITE_HINT,
                row.get("name") or None,
            )
            return None
        try:
            Expression.parse(converted)
        except ExpressionError as error:
            self.problem(
                row,
                f"{column} {shown or text!r} cannot be carried over: {error.message}",
                _REWRITE_HINT,
                row.get("name") or None,
            )
            return None
        return converted

    def constraint(self, row: Row, kind: str, matrix_rows: dict[str, str]) -> tuple[dict[str, Any], set[str]]:
        """Type bounds (min, max, max_length, min/max_choices, exclusive choices) and the rest as a rule."""
        text = row.get("constraint")
        if not text:
            return {}, set()
        keys: dict[str, Any] = {}
        exclusive: set[str] = set()
        rest = []
        for part in _split_and(text):
            bare = _unwrap(part)
            bound = QUESTION_TYPES[kind].read_xlsform_bound(bare)
            if bound is None:
                rest.append(bare)
                continue
            exclusive |= bound.pop("exclusive", set())
            keys |= bound
        if rest:
            rule = self.expression(row, "constraint", " and ".join(f"({r})" for r in rest), matrix_rows)
            if rule is not None:
                keys["constraint"] = rule[1:-1] if len(rest) == 1 else rule
        return keys, exclusive


def _split_and(text: str) -> list[str]:
    """Split at the top-level ``and`` (outside parentheses and quotes)."""
    parts, depth, quote, start = [], 0, "", 0
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and text.startswith(" and ", i):
            parts.append(text[start:i])
            start = i + 5
            i += 4
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _unwrap(text: str) -> str:
    """Drop parentheses around the whole text, as the export writes a rule next to type bounds."""
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0

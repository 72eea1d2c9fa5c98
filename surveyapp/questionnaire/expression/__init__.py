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
(the n-th chosen code, from 0; XLSForm's selected-at), today() (the ISO date), now(), coalesce(...),
string_length(s), substr(s, start[, end]), round(x[, places]) (half away from zero), int(x) and number(x)
(functions.py lists them with their arities). The browser's interpreter
(static/js/relevance.js) implements the same ones.
"""

from .evaluator import MISSING, lookup, truthy
from .functions import FUNCTIONS, GENERAL_FUNCTIONS
from .lexer import tokenize
from .nodes import COMPARISONS, Apply, Binary, Call, Current, Literal, Name, Node, Unary, walk
from .parsed import Expression

__all__ = [
    "COMPARISONS",
    "FUNCTIONS",
    "GENERAL_FUNCTIONS",
    "MISSING",
    "Apply",
    "Binary",
    "Call",
    "Current",
    "Expression",
    "Literal",
    "Name",
    "Node",
    "Unary",
    "lookup",
    "tokenize",
    "truthy",
    "walk",
]

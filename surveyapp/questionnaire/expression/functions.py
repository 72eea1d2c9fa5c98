"""The functions of the expression language: how many arguments each takes, and how each is written."""

from __future__ import annotations

from typing import Final

FUNCTIONS: Final = {"selected": 2, "count_selected": 1, "answered": 1}
# name -> (fewest, most) arguments; None: no upper bound.
GENERAL_FUNCTIONS: Final[dict[str, tuple[int, int | None]]] = {
    "if": (3, 3),
    "concat": (1, None),
    "regex": (2, 2),
    "selected_at": (2, 2),
    "today": (0, 0),
    "now": (0, 0),
    "coalesce": (2, None),
    "string_length": (1, 1),
    "substr": (2, 3),
    "round": (1, 2),
    "int": (1, 1),
    "number": (1, 1),
    "count": (1, 1),
    "sum": (1, 1),
    "position": (0, 0),
    "indexed_repeat": (3, 3),
    "choice_name": (2, 2),
}
# Inside a repeat's instance the answers carry the instance's 1-based index under this key (no item code can
# spell it), which position() reads.
POSITION_KEY: Final = "__position__"
# The labels choice_name() reads, in the respondent's language: item code -> choice code -> label. The context
# carries them under this key, as it carries the position, so that the server (routing.with_choice_names) and
# the browser (the page's logic gives them in the page's language) evaluate the same tree the same way.
CHOICE_NAMES_KEY: Final = "__choice_names__"

_USAGE: Final = {
    "if": "if(condition, value_if_true, value_if_false)",
    "concat": "concat(a, ' ', b)",
    "regex": "regex(., '^[0-9]{12}$')",
    "selected_at": "selected_at(q, 0) for the first chosen code",
    "today": "today()",
    "now": "now()",
    "coalesce": "coalesce(nickname, name)",
    "string_length": "string_length(iin) = 12",
    "substr": "substr(iin, 0, 2) for the first two characters",
    "round": "round(income / members, 1)",
    "int": "int(age_text)",
    "number": "number(amount_text)",
    "count": "count(members) for the instances of repeat members",
    "sum": "sum(income) over the instances of the repeat that asks income",
    "position": "position() for the instance's number, from 1",
    "indexed_repeat": "indexed_repeat(age, members, 1) for the first member's age",
    "choice_name": "choice_name(region, region) for the label of the chosen region",
}

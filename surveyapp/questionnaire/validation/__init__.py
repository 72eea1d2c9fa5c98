"""Rules that need the whole version: references in expressions, cascades, design variables, export
columns, unused lists and unreachable items."""

from __future__ import annotations

from ..build import SourceMap
from ..model import QuestionnaireVersion
from ..problem import Problem
from .checker import Checker
from .reachability import can_be_true, find_unreachable


def check_version(version: QuestionnaireVersion, source: SourceMap) -> list[Problem]:
    checker = Checker(version, source)
    checker.check_expressions()
    checker.check_repeats()
    checker.check_choice_filters()
    checker.check_design_variables()
    checker.check_columns()
    checker.check_unused_lists()
    if not any(p.is_error for p in checker.problems):
        section_codes = {section.code for section in version.sections}
        for code, reason in find_unreachable(version).items():
            if code in section_codes or not reason.startswith("its section"):
                checker.error(
                    code,
                    "relevant",
                    f"unreachable: {reason}",
                    "check the codes and comparisons in the rule and the items it depends on",
                )
    return checker.problems


__all__ = ["can_be_true", "check_version", "find_unreachable"]

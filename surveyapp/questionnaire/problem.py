"""A problem found while loading or validating a questionnaire file."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    item: str | None
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    # Which message this is and its values, so a page can say it in the interface language (the workbench's
    # draft report); ``message`` and ``hint`` stay the English text the command line prints.
    key: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:"
        item = f" [{self.item}]" if self.item else ""
        level = "" if self.is_error else " warning:"
        hint = f" (fix: {self.hint})" if self.hint else ""
        return f"{where}{level}{item} {self.message}{hint}"


def message_params(params: dict[str, object] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, str(value)) for name, value in (params or {}).items()))


def sort_key(problem: Problem) -> tuple[str, int, str]:
    return (problem.file, problem.line, problem.message)

"""Exceptions of the questionnaire package: one base, QuestionnaireError."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .problem import Problem


class QuestionnaireError(Exception):
    """Base of every error this package raises."""


class ExpressionError(QuestionnaireError):
    """An expression could not be tokenized or parsed; `position` is the 0-based column."""

    def __init__(self, message: str, position: int = 0, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.hint = hint


class InvalidQuestionnaireError(QuestionnaireError):
    """A file did not load because it has errors; `problems` lists all of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s):\n{lines}")


class PublishedVersionChangedError(QuestionnaireError):
    """The content of an already published version differs from what was published."""


class AnswerError(QuestionnaireError):
    """An answer could not be read as the item's type; `key` names the message in messages.py."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

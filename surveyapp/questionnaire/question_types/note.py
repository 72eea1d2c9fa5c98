"""A note: text shown to the respondent, with no answer."""

from __future__ import annotations

from .base import QuestionType


class Note(QuestionType):
    name = "note"
    field = "note"
    xlsform_type = "note"
    xlsform_names = frozenset({"note"})
    has_answer = False
    value_kind = None

    @property
    def allowed_keys(self) -> frozenset[str]:
        return frozenset(
            {"code", "type", "label", "hint", "relevant", "required", "renamed_from", "replaces", "xlsform_name"}
        )

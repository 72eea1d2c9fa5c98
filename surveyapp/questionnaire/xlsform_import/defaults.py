"""What an imported form leaves unsaid and the platform needs, filled in with a default the researcher can
change: the message of a constraint written without one (ODK shows its own "value not allowed")."""

from __future__ import annotations

from typing import Any, Final

from .codes import items_of

# Said to a respondent whose answer breaks a rule the form gave no message for; the YAML draft carries it.
DEFAULT_CONSTRAINT_MESSAGE: Final = {
    "kk": "Бұл жауап сауалнаманың ережесіне сәйкес келмейді. Жауапты тексеріп, түзетіңіз.",
    "ru": "Этот ответ не соответствует правилу анкеты. Проверьте и исправьте ответ.",
    "en": "This answer does not meet the form's rule. Please check and correct it.",
}


def default_constraint_messages(sections: list[dict[str, Any]]) -> list[str]:
    """The items with a constraint but no message, given the default message; their codes, in form order."""
    given = []
    for item in items_of(sections):
        if "constraint" in item and not item.get("constraint_message"):
            item["constraint_message"] = dict(DEFAULT_CONSTRAINT_MESSAGE)
            given.append(item["code"])
    return given

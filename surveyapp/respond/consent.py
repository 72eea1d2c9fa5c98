"""What the consent page can truthfully promise about skipping questions, read from the version itself."""

from __future__ import annotations

from dataclasses import dataclass

from surveyapp.questionnaire import QuestionnaireVersion
from surveyapp.questionnaire.question_types import question_type

# The special answers that let a respondent pass a question without giving an answer, in the order offered.
SKIP_SPECIALS = ("refuse", "dont_know")


@dataclass(frozen=True, slots=True)
class SkipRule:
    label: str  # the choice that skips a question ("prefer not to answer"), in the respondent's language
    must_answer: int  # required questions that offer none of them
    questions: int  # questions the respondent can be asked


def skip_rule(version: QuestionnaireVersion, lang: str) -> SkipRule:
    """How a question is skipped when every question is required: the consent says "skip any question",
    so the page must say which answer does it, and how many questions cannot be skipped."""
    labels: dict[str, str] = {}
    must_answer = questions = 0
    for item in version.items:
        qtype = question_type(item)
        if not qtype.has_answer or not qtype.shown:
            continue
        questions += 1
        specials = [c for c in (item.choices.choices if item.choices else ()) if c.special in SKIP_SPECIALS]
        for choice in specials:
            labels.setdefault(choice.special or "", choice.label.get(lang) or choice.code)
        if item.required and not specials:
            must_answer += 1
    # "Don't know" is an answer in its own right; it is named only where no "prefer not to answer" exists.
    label = next((labels[special] for special in SKIP_SPECIALS if special in labels), "")
    return SkipRule(label, must_answer, questions)

"""The whole route checked again before a response is submitted.

Each page is validated when it is sent, but nothing forces a respondent through every page: the last page's
address can be posted straight after consent. So the submission checks every page the answers make visible,
with the same rules as the pages themselves, and sends the respondent to the first one that fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveyapp.questionnaire import routing
from surveyapp.questionnaire.choice_names import with_choice_names
from surveyapp.questionnaire.model import QuestionnaireVersion


def page_errors(
    domain: QuestionnaireVersion, answers: Mapping[str, Any], section_code: str, language: str
) -> dict[str, str]:
    """Messages for the stored answers of one page, as if the page had just been sent with them."""
    # The rules read the stored answers with the labels choice_name() gives in the respondent's language.
    kept = with_choice_names(domain, routing.prune_hidden(domain, answers, language), language)
    errors: dict[str, str] = {}
    section = domain.section(section_code)
    if section.repeat is not None:
        instances = kept.get(section_code, [])
        for position, instance in enumerate(instances, start=1):
            for item in routing.relevant_in_instance(section, kept, instance, position):
                context = routing.instance_context(kept, instance, position)
                messages = routing.validate_answer(item, instance.get(item.code), language, context)
                if messages:
                    errors[routing.instance_prefix(section, position) + item.code] = " ".join(messages)
        return errors
    for item in routing.relevant_items(domain, kept, section_code, language):
        messages = routing.validate_answer(item, kept.get(item.code), language, kept)
        if messages:
            errors[item.code] = " ".join(messages)
    return errors


def first_incomplete_page(domain: QuestionnaireVersion, answers: Mapping[str, Any], language: str) -> str | None:
    """The first visible page whose stored answers break a rule (a required answer missing, a constraint)."""
    for section in routing.visible_sections(domain, routing.prune_hidden(domain, answers, language), language):
        if page_errors(domain, answers, section.code, language):
            return section.code
    return None

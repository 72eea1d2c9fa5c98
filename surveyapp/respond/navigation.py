"""Where a respondent's click on a page leads (Back, Next, Send, a language) and what the page shows.

The view only turns HTTP into these calls. Every POST ends in a redirect, errors included (Post/Redirect/Get):
what could not be stored yet is kept as the page's draft, so reloading or going Back never posts again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from surveyapp.models import SurveyResponse
from surveyapp.questionnaire import routing
from surveyapp.questionnaire.model import QuestionnaireVersion, Section
from surveyapp.respond import completeness, drafts, flow


@dataclass(frozen=True)
class Step:
    """The next address: a page of the response (with its query parameters), or the thank-you page."""

    section: str | None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.section is None


def misplaced(domain: QuestionnaireVersion, response: SurveyResponse, section: str) -> str | None:
    """The page to go to instead of `section` when skip logic now hides it (or the address was guessed)."""
    codes = [s.code for s in flow.visible(domain, response.answers)]
    if section in codes:
        return None
    return response.current_section if response.current_section in codes else codes[0]


def act(
    response: SurveyResponse,
    domain: QuestionnaireVersion,
    section: Section,
    form: Mapping[str, list[str]],
    action: str,
    shown: set[str] | None,
    lang: str,
) -> Step:
    """Save the page as the action asks and say where the respondent goes next."""
    if action.startswith("lang:"):
        return _switch_language(response, domain, section, form, action.split(":", 1)[1], shown, lang)
    if section.repeat is not None and action.startswith(("add:", "remove:")):
        resized = resize_instances(section, form, action)
        result = flow.save_page(response, domain, section, resized, lang, check=False)
        _keep_or_drop(domain, response, section, resized, shown, clean=result.clean)
        return Step(section.code)
    check = action in {"next", "submit"}
    result = flow.save_page(response, domain, section, form, lang, check=check)
    errors, new_questions = result.errors, False
    if check and shown is not None:
        errors, new_questions = _before_follow_ups(response, domain, section, errors, shown)
    if errors or new_questions:
        drafts.keep(response, section, form, _shown(domain, response, section, shown), True, new_questions)
        return Step(section.code)
    _keep_or_drop(domain, response, section, form, shown, clean=result.clean)
    return _move(response, domain, section.code, action, lang)


def resize_instances(section: Section, form: Mapping[str, list[str]], action: str) -> dict[str, list[str]]:
    """The posted repeat page with one instance more ("add:members") or one less ("remove:members:2", the
    later instances moving up), so what was typed in the others stays where it was."""
    assert section.repeat is not None
    count = max(1, routing.form_instances(section, form))
    prefix = section.code + "."
    result = {key: list(values) for key, values in form.items() if not key.startswith(prefix)}
    parts = action.split(":")
    removed = int(parts[2]) if parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit() else None
    for key, values in form.items():
        pieces = key.split(".", 2)
        if not key.startswith(prefix) or len(pieces) < 3 or not pieces[1].isdigit():
            continue
        position = int(pieces[1])
        if position == removed or position > count:
            continue
        moved = position - 1 if removed is not None and position > removed else position
        result[f"{section.code}.{moved}.{pieces[2]}"] = list(values)
    if parts[0] == "add":
        count = min(count + 1, section.repeat.max)
    elif removed is not None and 1 <= removed <= count:
        count -= 1
    result[f"{section.code}.count"] = [str(count)]
    return result


def _switch_language(
    response: SurveyResponse,
    domain: QuestionnaireVersion,
    section: Section,
    form: Mapping[str, list[str]],
    new_lang: str,
    shown: set[str] | None,
    lang: str,
) -> Step:
    result = flow.save_page(response, domain, section, form, lang, check=False)
    _keep_or_drop(domain, response, section, form, shown, clean=result.clean)
    if new_lang in domain.languages and new_lang in flow.RESPONDENT_LANGUAGES:
        response.language = new_lang
    return Step(section.code, {"lang": response.language})


def _before_follow_ups(
    response: SurveyResponse, domain: QuestionnaireVersion, section: Section, errors: dict[str, str], shown: set[str]
) -> tuple[dict[str, str], bool]:
    """Follow-up questions that an answer on this page has just switched on were never seen: the page comes
    back with them, instead of moving on (or of an error on a question nobody saw)."""
    now = {item.code for item in routing.relevant_items(domain, response.answers, section.code, response.language)}
    if not now - shown:
        return errors, False
    return {code: message for code, message in errors.items() if code in shown}, True


def _move(response: SurveyResponse, domain: QuestionnaireVersion, section: str, action: str, lang: str) -> Step:
    previous, following = flow.neighbours(domain, response.answers, section)
    if action == "back":
        target = previous or section
    elif action not in {"next", "submit"}:
        target = section
    elif following:
        target = following
    else:
        return _finish(response, domain, lang)
    response.current_section = target
    return Step(target)


def _finish(response: SurveyResponse, domain: QuestionnaireVersion, lang: str) -> Step:
    incomplete = completeness.first_incomplete_page(domain, response.answers, lang)
    if incomplete is not None:
        response.current_section = incomplete
        return Step(incomplete, {"incomplete": 1})
    flow.submit(response, domain)
    return Step(None)


def _shown(
    domain: QuestionnaireVersion, response: SurveyResponse, section: Section, shown: set[str] | None
) -> set[str]:
    if shown is not None:
        return shown
    return {item.code for item in routing.relevant_items(domain, response.answers, section.code, response.language)}


def _keep_or_drop(
    domain: QuestionnaireVersion,
    response: SurveyResponse,
    section: Section,
    form: Mapping[str, list[str]],
    shown: set[str] | None,
    clean: bool,
) -> None:
    # A page left (Back, a language) with input that could not be stored keeps it, unchecked, for its return.
    if clean:
        drafts.drop(response, section.code)
    else:
        drafts.keep(response, section, form, _shown(domain, response, section, shown), False, False)


@dataclass(frozen=True)
class PageState:
    draft: drafts.Draft | None
    errors: dict[str, str]
    new_questions: bool
    incomplete: bool
    new_codes: frozenset[str] = frozenset()  # the follow-ups a round trip opened, marked on the page

    @property
    def status(self) -> int:
        # A page shown again with what was wrong in it says so to scripts and tests too.
        return 422 if self.errors and self.draft is not None and self.draft.checked else 200


def page_state(
    response: SurveyResponse, domain: QuestionnaireVersion, section: Section, lang: str, incomplete: bool
) -> PageState:
    """What a page shows on GET: the draft as typed with its errors (worded in today's language), or the
    answers still missing when a submit was turned back."""
    draft = drafts.get(response, section.code)
    if draft is not None and draft.checked:
        errors = routing.validate_page(domain, section.code, draft.form, response.answers, lang).errors
        new_codes: frozenset[str] = frozenset()
        if draft.new_questions:
            errors = {code: message for code, message in errors.items() if code in draft.shown}
            now = {
                item.code for item in routing.relevant_items(domain, response.answers, section.code, response.language)
            }
            new_codes = frozenset(now - draft.shown)
        return PageState(draft, dict(errors), draft.new_questions, False, new_codes)
    errors = completeness.page_errors(domain, response.answers, section.code, lang) if incomplete else {}
    return PageState(draft, errors, False, incomplete and bool(errors))

"""What happens to a response as the respondent moves through it; views only translate HTTP to these calls."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, overload

from flask import current_app

from analysis.vocabulary import REQUIRED_LANGUAGES
from surveyapp.extensions import db
from surveyapp.models import Invitation, InvitationStatus, ResponseStatus, SurveyResponse
from surveyapp.models.base import utcnow
from surveyapp.questionnaire import routing
from surveyapp.questionnaire.choice_filters import filter_items, on_offer
from surveyapp.questionnaire.design_values import design_from_answers
from surveyapp.questionnaire.model import Choice, Item, QuestionnaireVersion, Section
from surveyapp.questionnaire.question_types import question_type
from surveyapp.respond import drafts
from surveyapp.services.draft_tests import DraftVersion
from surveyapp.services.secrets import digest, new_resume_code, new_token
from surveyapp.services.versions import PublishedVersion

RESPONDENT_LANGUAGES = REQUIRED_LANGUAGES
_PHONE = re.compile(r"Mobi|Android|iPhone|iPod|Windows Phone", re.IGNORECASE)
_TABLET = re.compile(r"iPad|Tablet", re.IGNORECASE)


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def device_class(user_agent: str) -> str:
    """Only this class is kept; the user agent itself is never stored."""
    if _TABLET.search(user_agent):
        return "tablet"
    return "phone" if _PHONE.search(user_agent) else "desktop"


@dataclass
class Started:
    response: SurveyResponse
    token: str
    resume_code: str


def start(
    version: PublishedVersion | DraftVersion,
    language: str,
    user_agent: str,
    link_params: Mapping[str, str],
    invitation: Invitation | None = None,
) -> Started:
    domain = version.domain
    design: dict[str, Any] = {}
    for variable in domain.design_variables:
        if variable.source == "invitation" and invitation is not None and variable.name in invitation.sample:
            design[variable.name] = invitation.sample[variable.name]
        elif variable.source == "link":
            value = link_params.get(variable.param or variable.name, "").strip()[:64]
            if value:
                design[variable.name] = value
    # The invitation itself was claimed by the caller (locks.claim_invitation), once, before this.
    token, code = new_token(), new_resume_code()
    now = utcnow()
    response = SurveyResponse(
        version_sha256=version.sha256,
        language=language,
        status=ResponseStatus.IN_PROGRESS.value,
        answers={},
        page_languages={},
        design=design,
        paradata={
            "device": device_class(user_agent),
            "resumes": 0,
            "page_seconds": {},
            "invited": invitation is not None,
        },
        quality_flags=[],
        started_at=now,
        access_token_hash=digest(token),
        resume_code=code,
        current_section=domain.sections[0].code,
        expires_at=now + timedelta(days=current_app.config["PARTIAL_EXPIRY_DAYS"]),
    )
    if isinstance(version, DraftVersion):
        response.draft_id, response.is_test = version.draft_id, True
    else:
        response.version_id, response.is_test = version.id, False
    if invitation is not None:
        response.invitation_id = invitation.id
    db.session.add(response)
    return Started(response, token, code)


def is_expired(response: SurveyResponse) -> bool:
    expires = aware(response.expires_at)
    return response.status == ResponseStatus.EXPIRED.value or (
        response.status == ResponseStatus.IN_PROGRESS.value and expires is not None and expires < utcnow()
    )


def closing_section(domain: QuestionnaireVersion) -> Section | None:
    """A last page of notes only (a thank-you, the helplines) is shown once the answers are sent: above the
    submit button it thanks a respondent who may close the tab before sending."""
    if len(domain.sections) < 2:
        return None
    last = domain.sections[-1]
    return last if not any(question_type(item).has_answer for item in last.items) else None


def visible(domain: QuestionnaireVersion, answers: Mapping[str, Any]) -> list[Section]:
    closing = closing_section(domain)
    return [section for section in routing.visible_sections(domain, answers) if section is not closing]


def neighbours(domain: QuestionnaireVersion, answers: Mapping[str, Any], code: str) -> tuple[str | None, str | None]:
    codes = [s.code for s in visible(domain, answers)]
    if code not in codes:
        return (codes[-1] if codes else None), None
    i = codes.index(code)
    return (codes[i - 1] if i > 0 else None), (codes[i + 1] if i + 1 < len(codes) else None)


@dataclass
class PageResult:
    errors: dict[str, str] = field(default_factory=dict)
    # Every answer on the page was stored as typed; False when some could not be (kept as a draft then).
    clean: bool = True


def save_page(
    response: SurveyResponse,
    domain: QuestionnaireVersion,
    section: Section,
    form: Mapping[str, list[str]],
    language: str,
    check: bool,
) -> PageResult:
    """Store this page's answers; with ``check`` also the rules (required, constraints) and report errors.

    Answers that read correctly are kept even when others on the page have errors, so nothing typed is lost.
    """
    page = routing.validate_page(domain, section.code, form, response.answers, language)
    page_codes = {item.code for item in section.items} | {section.code}
    answers = {code: value for code, value in response.answers.items() if code not in page_codes}
    answers = routing.prune_hidden(domain, answers | page.answers, language)
    response.answers = answers
    if page.answers or not page.errors:
        languages = dict(response.page_languages)
        languages[section.code] = language
        response.page_languages = languages
    _count_time(response, section.code)
    response.current_section = section.code
    response.expires_at = utcnow() + timedelta(days=current_app.config["PARTIAL_EXPIRY_DAYS"])
    return PageResult(errors=dict(page.errors) if check else {}, clean=not page.errors)


def note_page_view(response: SurveyResponse, section_code: str) -> None:
    paradata = dict(response.paradata)
    paradata["viewing"] = [section_code, utcnow().isoformat()]
    # A response whose first page never reached the respondent (a lost "start" reply) has no such mark: it is
    # not a break-off, and is deleted rather than kept once it expires.
    paradata["opened"] = True
    response.paradata = paradata


def _count_time(response: SurveyResponse, section_code: str) -> None:
    paradata = dict(response.paradata)
    viewing = paradata.pop("viewing", None)
    paradata["opened"] = True
    if viewing and viewing[0] == section_code:
        opened = datetime.fromisoformat(viewing[1])
        seconds = max(0.0, (utcnow() - aware(opened)).total_seconds())
        times = dict(paradata.get("page_seconds", {}))
        times[section_code] = round(times.get(section_code, 0.0) + seconds, 1)
        paradata["page_seconds"] = times
    response.paradata = paradata


def submit(response: SurveyResponse, domain: QuestionnaireVersion) -> None:
    """Close the response for good: design variables from answers, quality flags, no more resuming. The
    resume code stays with it, so its holder is told the answers were sent rather than "code not known"."""
    if response.status == ResponseStatus.SUBMITTED.value:
        return
    now = utcnow()
    response.status = ResponseStatus.SUBMITTED.value
    response.submitted_at = now
    if response.invitation_id is not None:
        invitation = db.session.get(Invitation, response.invitation_id)
        if invitation is not None:
            invitation.status = InvitationStatus.SUBMITTED.value
        response.invitation_id = None
    design = dict(response.design)
    design.update(design_from_answers(domain, response.answers))
    response.design = design
    flags = []
    total = (now - aware(response.started_at)).total_seconds()
    paradata = dict(response.paradata)
    paradata["total_seconds"] = round(total, 1)
    paradata.pop("viewing", None)
    response.paradata = paradata
    drafts.drop(response)
    if domain.min_seconds and total < domain.min_seconds:
        flags.append("speeding")
    if straightlined(domain, response.answers):
        flags.append("straightlining")
    response.quality_flags = flags


def choices_for(item: Item, answers: Mapping[str, Any], page_codes: set[str]) -> list[Choice]:
    """The choices to offer. A filtered item (a cascade, or a general choice_filter) whose filter reads only
    answers from earlier pages offers only the choices that pass; when it reads this page, all of them (a
    cascade grouped by parent), narrowed by a script where JavaScript runs, so the page works without it and
    the server checks the choice on submit."""
    if item.choices is None:
        return []
    if filter_items(item) & page_codes:
        return list(item.choices.choices)
    return on_offer(item, answers)


def choice_groups(
    domain: QuestionnaireVersion, item: Item, choices: list[Choice], language: str
) -> list[tuple[str, str, list[Choice]]]:
    """(parent code, parent label, choices) in the parent list's order, for a cascading select."""
    parent_list = domain.item(item.choice_filter).choices if item.choice_filter else None
    groups: dict[str, list[Choice]] = {}
    for choice in choices:
        groups.setdefault(choice.parent or "", []).append(choice)
    order = list(parent_list.codes) if parent_list else sorted(groups)
    result = []
    for code in order:
        if code in groups:
            parent = parent_list.get(code) if parent_list else None
            result.append((code, parent.label.get(language) if parent else code, groups[code]))
    return result


def straightlined(domain: QuestionnaireVersion, answers: Mapping[str, Any]) -> bool:
    """A matrix of three or more rows answered with one and the same substantive choice."""
    for item in domain.items:
        if question_type(item).value_kind != "rows" or len(item.rows) < 3:
            continue
        value = answers.get(item.code)
        if not isinstance(value, dict) or len(value) < len(item.rows):
            continue
        codes = set(value.values())
        special = set(item.choices.special_codes) if item.choices else set()
        if len(codes) == 1 and not codes & special:
            return True
    return False


def resume(response: SurveyResponse) -> str:
    """A fresh link token (the old link stops working); the resume code stays the same."""
    token = new_token()
    response.access_token_hash = digest(token)
    paradata = dict(response.paradata)
    paradata["resumes"] = int(paradata.get("resumes", 0)) + 1
    paradata.pop("viewing", None)
    response.paradata = paradata
    return token


@dataclass(frozen=True)
class InstanceField:
    item: Item  # under the instance's field name (members.2.age)
    source: Item  # the questionnaire's item
    value: Any
    error: str | None
    off: bool  # not relevant in this instance now


@dataclass(frozen=True)
class InstanceView:
    position: int
    fields: list[InstanceField]


def repeat_view(
    domain: QuestionnaireVersion,
    answers: Mapping[str, Any],
    section: Section,
    draft: drafts.Draft | None,
    errors: Mapping[str, str],
) -> list[InstanceView]:
    """A repeat page's instances with their fields: as typed when the page came back (an error, Add or
    Remove), else as stored."""
    if section.repeat is None:
        return []
    kept = routing.prune_hidden(domain, answers)
    stored = kept.get(section.code, [])
    count = routing.form_instances(section, draft.form) if draft is not None else len(stored)
    if section.repeat.count is not None:
        count = len(stored)
    result = []
    for position in range(1, count + 1):
        instance = stored[position - 1] if position <= len(stored) else {}
        shown = {item.code for item in routing.relevant_in_instance(section, kept, instance, position)}
        fields = []
        for item in section.items:
            qtype = question_type(item)
            if not qtype.field:
                continue
            named = routing.instance_item(item, section, position)
            typed = qtype.redisplay(named, draft.form) if draft is not None else None
            value = instance.get(item.code) if typed is None else typed
            fields.append(InstanceField(named, item, value, errors.get(named.code), item.code not in shown))
        result.append(InstanceView(position, fields))
    return result


def error_label(domain: QuestionnaireVersion, code: str, language: str) -> str:
    """The question an error is about, with the instance it is in for a repeat ("Member 2: Age")."""
    parts = code.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        section = domain.section(parts[0])
        repeat_label = section.repeat.label.get(language) if section.repeat else ""
        return f"{repeat_label} {parts[1]}: {domain.item(parts[2]).label.get(language)}"
    return domain.item(code).label.get(language)

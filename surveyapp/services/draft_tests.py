"""A draft's test link: the respondent's pages for a questionnaire not yet published, whose responses are tests.

A test response belongs to its draft (``draft_id``, ``is_test``) and to no published version (``version_id``
is NULL, which the database's check constraint enforces). Every count, export, computation and the API select
responses by published version, so a test response is left out of all of them without a filter of their own.
Test responses are deleted with their draft, and publishing a draft deletes it: a published version starts
with no responses, so nothing typed while testing can reach the results.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import QuestionnaireDraft, SurveyResponse, User
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.drafts import check_text
from surveyapp.services.secrets import digest, new_token


@dataclass(frozen=True)
class DraftVersion:
    """What the respondent's pages need of a draft under test (the counterpart of ``PublishedVersion``)."""

    draft_id: int
    sha256: str
    domain: QuestionnaireVersion


# Checking a draft writes a scratch folder and validates it: once per text, not on every page of a test.
_DOMAINS: dict[tuple[int, str], QuestionnaireVersion | None] = {}
_DOMAINS_MAX = 32
_lock = threading.Lock()


def domain_of_draft(draft: QuestionnaireDraft) -> QuestionnaireVersion | None:
    """The draft as a questionnaire, or None while it has errors (a draft with errors cannot be tested)."""
    key = (draft.id, hashlib.sha256(draft.yaml_text.encode("utf-8")).hexdigest())
    if key in _DOMAINS:
        return _DOMAINS[key]
    root = Path(current_app.config["QUESTIONNAIRES_DIR"])
    domain = check_text(draft.yaml_text, draft.instrument, draft.version, root).domain
    with _lock:
        if len(_DOMAINS) >= _DOMAINS_MAX:
            _DOMAINS.clear()
        _DOMAINS[key] = domain
    return domain


def draft_version(draft: QuestionnaireDraft) -> DraftVersion | None:
    domain = domain_of_draft(draft)
    return None if domain is None else DraftVersion(draft.id, domain.sha256, domain)


def new_test_link(draft: QuestionnaireDraft, user: User | None) -> str:
    """A fresh test-link token for the draft (shown once); an earlier link stops opening new tests."""
    token = new_token()
    draft.test_token_hash = digest(token)
    audit.record("draft_test_link", "questionnaire_draft", f"{draft.instrument}/{draft.version}", {}, user)
    return token


def draft_for_token(token: str) -> QuestionnaireDraft | None:
    return db.session.scalar(select(QuestionnaireDraft).where(QuestionnaireDraft.test_token_hash == digest(token)))


def test_counts(draft: QuestionnaireDraft) -> dict[str, int]:
    """The draft's test responses by status, for its page."""
    rows = db.session.execute(
        select(SurveyResponse.status, func.count())
        .where(SurveyResponse.draft_id == draft.id, SurveyResponse.is_test.is_(True))
        .group_by(SurveyResponse.status)
    ).all()
    return {str(status): int(count) for status, count in rows}


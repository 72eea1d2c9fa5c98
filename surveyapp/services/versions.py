"""Domain objects for published versions, rebuilt from the stored content (never from the YAML file)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Instrument, QuestionnaireVersion
from surveyapp.questionnaire import load_canonical
from surveyapp.questionnaire.model import QuestionnaireVersion as DomainVersion


@lru_cache(maxsize=64)
def _domain(sha256: str, content: str) -> DomainVersion:
    # Keyed by the hash: a published content never changes, so the parsed object can be shared.
    return load_canonical(content)


def domain_of(row: QuestionnaireVersion) -> DomainVersion:
    return _domain(row.sha256, row.content)


def published(instrument: str, version: str) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion)
        .join(Instrument)
        .where(Instrument.code == instrument, QuestionnaireVersion.version == version)
    )

"""Publishing questionnaire versions: stored once, with their content and sha256, and never changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import Instrument, StoredVersion, User
from surveyapp.questionnaire import check_published
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.versions import published


@dataclass(frozen=True)
class PublishResult:
    row: StoredVersion
    created: bool


def publish(domain: QuestionnaireVersion, user: User | None = None, source: str = "") -> PublishResult:
    """Store ``domain`` as published; publishing the same content again changes nothing."""
    existing = published(domain.instrument, domain.version)
    if existing is not None:
        check_published(domain, existing.sha256)  # raises PublishedVersionChangedError when the content differs
        return PublishResult(existing, created=False)
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == domain.instrument))
    if instrument is None:
        instrument = Instrument(code=domain.instrument)
        db.session.add(instrument)
    instrument.title = domain.title.as_dict()
    instrument.population = domain.population
    row = StoredVersion(
        instrument=instrument,
        version=domain.version,
        sha256=domain.sha256,
        content=domain.canonical_json,
        source_path=source or str(domain.source_path),
        published_by_id=user.id if user is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("publish", "questionnaire", f"{domain.instrument}/{domain.version}", {"sha256": domain.sha256}, user)
    return PublishResult(row, created=True)

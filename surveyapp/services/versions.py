"""Domain objects for published versions, rebuilt from the stored content (never from the YAML file)."""

from __future__ import annotations

import threading
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


# The same objects by the hash of their content alone, for callers that know the hash but have not loaded the
# content (a response carries the sha256 of its version): only a hash that the parsed content really has is
# entered, so a hit is exactly the content the hash names.
_BY_SHA256: dict[str, DomainVersion] = {}
_BY_SHA256_MAX = 64
_lock = threading.Lock()


def domain_of(row: QuestionnaireVersion) -> DomainVersion:
    domain = _domain(row.sha256, row.content)
    if domain.sha256 == row.sha256 and _BY_SHA256.get(row.sha256) is not domain:
        with _lock:
            if len(_BY_SHA256) >= _BY_SHA256_MAX:
                _BY_SHA256.clear()
            _BY_SHA256[row.sha256] = domain
    return domain


def cached_domain(sha256: str) -> DomainVersion | None:
    """The parsed version whose content has this sha256, if this process has parsed it already (no query)."""
    return _BY_SHA256.get(sha256)


def published(instrument: str, version: str) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion)
        .join(Instrument)
        .where(Instrument.code == instrument, QuestionnaireVersion.version == version)
    )

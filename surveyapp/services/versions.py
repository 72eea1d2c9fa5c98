"""Domain objects for published versions, rebuilt from the stored content (never from the YAML file)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Instrument, StoredVersion
from surveyapp.questionnaire import load_canonical
from surveyapp.questionnaire.model import QuestionnaireVersion


@lru_cache(maxsize=64)
def _domain(sha256: str, content: str) -> QuestionnaireVersion:
    # Keyed by the hash: a published content never changes, so the parsed object can be shared.
    return load_canonical(content)


# The same objects by the hash of their content alone, for callers that know the hash but have not loaded the
# content (a response carries the sha256 of its version): only a hash that the parsed content really has is
# entered, so a hit is exactly the content the hash names.
_BY_SHA256: dict[str, QuestionnaireVersion] = {}
_BY_SHA256_MAX = 64
_lock = threading.Lock()


def domain_of(row: StoredVersion) -> QuestionnaireVersion:
    domain = _domain(row.sha256, row.content)
    if domain.sha256 == row.sha256 and _BY_SHA256.get(row.sha256) is not domain:
        with _lock:
            if len(_BY_SHA256) >= _BY_SHA256_MAX:
                _BY_SHA256.clear()
            _BY_SHA256[row.sha256] = domain
    return domain


def cached_domain(sha256: str) -> QuestionnaireVersion | None:
    """The parsed version whose content has this sha256, if this process has parsed it already (no query)."""
    return _BY_SHA256.get(sha256)


def published(instrument: str, version: str) -> StoredVersion | None:
    return db.session.scalar(
        select(StoredVersion).join(Instrument).where(Instrument.code == instrument, StoredVersion.version == version)
    )


@dataclass(frozen=True)
class PublishedVersion:
    """What the respondent's pages need of a published version, without its database row."""

    id: int
    sha256: str
    domain: QuestionnaireVersion

    @classmethod
    def of(cls, row: StoredVersion) -> PublishedVersion:
        return cls(id=row.id, sha256=row.sha256, domain=domain_of(row))


_PUBLISHED_KEY = "surveyapp.published_versions"
_PUBLISHED_MAX = 256


def published_version(instrument: str, version: str) -> PublishedVersion | None:
    """The published version behind an open link, from this process's memory after the first look-up.

    A published version is never changed nor deleted (publishing refuses different content under the same
    number), so a hit stays right for the life of the process; a miss is not remembered, because the version
    may be published a minute later. The memory belongs to the app object: a new app (a test, a restarted
    worker) starts empty, which also covers a database rebuilt under a restarted server.
    """
    cache: dict[tuple[str, str], PublishedVersion] = current_app.extensions.setdefault(_PUBLISHED_KEY, {})
    hit = cache.get((instrument, version))
    if hit is not None:
        return hit
    row = published(instrument, version)
    if row is None:
        return None
    found = PublishedVersion.of(row)
    if len(cache) >= _PUBLISHED_MAX:
        cache.clear()
    cache[(instrument, version)] = found
    return found

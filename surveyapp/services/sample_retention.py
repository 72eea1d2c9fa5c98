"""Sample files behind invitations are not kept longer than fieldwork needs them.

The sample variables an invitation carries (region, stratum, PSU, base weight and whatever else the sample
file held) are copied into the response when the respondent starts; after that they serve only nonresponse
adjustment while fieldwork runs. SAMPLE_RETENTION_DAYS after an invitation was used (or, if it never was,
after it was made) they are erased, and an unused invitation stops opening: a response started from it would
lack its design variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Text, func, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import CursorResult

from surveyapp.extensions import db
from surveyapp.models import Invitation, InvitationStatus
from surveyapp.models.base import utcnow


@dataclass(frozen=True)
class Cleared:
    used: int  # invitations used (started, declined, submitted) whose sample was erased
    unused: int  # never used: erased and closed


def clear_samples(retention_days: int) -> Cleared:
    if retention_days < 0:
        raise ValueError("SAMPLE_RETENTION_DAYS must be 0 or more")
    cutoff = utcnow() - timedelta(days=retention_days)
    kept = sql_cast(Invitation.sample, Text) != "{}"
    sent = Invitation.status == InvitationStatus.SENT.value

    def rows(statement: Any) -> int:
        return int(cast(CursorResult[Any], db.session.execute(statement)).rowcount or 0)

    used = rows(
        update(Invitation)
        .where(kept, ~sent, func.coalesce(Invitation.used_at, Invitation.created_at) < cutoff)
        .values(sample={})
        .execution_options(synchronize_session=False)
    )
    unused = rows(
        update(Invitation)
        .where(sent, Invitation.created_at < cutoff)
        .values(sample={}, status=InvitationStatus.EXPIRED.value)
        .execution_options(synchronize_session=False)
    )
    return Cleared(used=used, unused=unused)

"""Row locks that keep two requests of one respondent (or two clicks on one invitation) from interleaving.

A respondent can have two requests in flight at once (a language switch racing the final submit, a double
click, two tabs). Each reads the response, changes it and writes it back; without a lock the later write
wins, and a response already shown as submitted could have its answers replaced. The response row is
therefore locked before it is read, and its status is looked at only after the lock is held.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

from surveyapp.extensions import db
from surveyapp.models import Invitation, InvitationStatus, SurveyResponse
from surveyapp.models.base import utcnow


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def locked_response(where: ColumnElement[bool], column: str, value: str) -> SurveyResponse | None:
    """The response matching ``where``, locked until the transaction ends, read after the lock is held.

    PostgreSQL locks the one row (``SELECT … FOR UPDATE``): a concurrent request of the same respondent waits,
    then reads what the first one committed. SQLite has no row locks; a write that changes nothing takes the
    database's write lock first, with the same effect (``column``/``value`` name the row for that write).
    """
    if _is_sqlite():
        # Raw SQL: an ORM or Core UPDATE would also bump updated_at, which must keep meaning "answers changed".
        db.session.execute(
            text(f"UPDATE response SET status = status WHERE {column} = :value"),  # noqa: S608 - column is ours
            {"value": value},
        )
        db.session.expire_all()
    query = select(SurveyResponse).where(where).with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def claim_invitation(invitation: Invitation, status: InvitationStatus) -> bool:
    """Move a single-use invitation out of "sent", once: False when another request did it first.

    A conditional UPDATE decides: of two "agree" clicks racing each other, the second finds no row still in
    "sent" (PostgreSQL re-checks the condition after the first commits; SQLite runs the two one after the
    other), so only one response can ever start from one invitation.
    """
    now = utcnow()
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.SENT.value)
        .values(status=status.value, used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    # The object learns the new state as already stored, so the flush does not write it a second time.
    set_committed_value(invitation, "status", status.value)
    set_committed_value(invitation, "used_at", now)
    return True

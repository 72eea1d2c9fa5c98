"""The audit trail as people read it: translated action and actor names, filters, and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from surveyapp.audit import ACTOR_ANONYMOUS_WEB, ACTOR_CLI, OS_USER_KEY
from surveyapp.models import AuditEvent

ACTION_LABELS = {
    "admin_import": _l("Administrative figures imported"),
    "api_token_create": _l("API token created"),
    "api_token_revoke": _l("API token revoked"),
    "audit_export": _l("Audit trail exported"),
    "indicators_compute": _l("Indicators computed"),
    "invitations_create": _l("Invitations created"),
    "login": _l("Signed in"),
    "login_failed": _l("Failed sign-in"),
    "logout": _l("Signed out"),
    "margins_import": _l("Population margins imported"),
    "publish": _l("Questionnaire version published"),
    "report_build": _l("Report built"),
    "report_download": _l("Report downloaded"),
    "responses_expire": _l("Unfinished responses expired"),
    "results_publish": _l("Results published to ministries"),
    "results_withdraw": _l("Results withdrawn from ministries"),
    "user_create": _l("Account created"),
    "user_deactivate": _l("Account deactivated"),
    "user_password": _l("Password changed"),
    "user_role": _l("Role changed"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def os_user_of(event: AuditEvent) -> str:
    """The operating-system user of an event written from the command line; "" for web events and old rows."""
    value = (event.details or {}).get(OS_USER_KEY)
    return str(value) if value else ""


def actor_label(event: AuditEvent) -> str:
    label = actor_name(event.actor) if event.user_id is None else event.actor
    system_user = os_user_of(event)
    return _("%(actor)s, OS user %(os_user)s", actor=label, os_user=system_user) if system_user else label


def actor_name(actor: str) -> str:
    """The markers of events without an account, in the reader's language; account names as they are."""
    if actor == ACTOR_CLI:
        return _("command line (server)")
    if actor == ACTOR_ANONYMOUS_WEB:
        return _("web, not signed in")
    return actor


def actor_kind(event: AuditEvent) -> str:
    if event.user_id is not None:
        return _("signed-in user")
    return actor_name(event.actor)


def details_text(event: AuditEvent) -> str:
    # The OS user is already in the "Who" column.
    items = sorted((event.details or {}).items())
    return "; ".join(f"{key}: {value}" for key, value in items if key != OS_USER_KEY)


@dataclass
class TrailFilter:
    """What the reader asked for; bad values are reported in ``errors`` and not applied."""

    action: str = ""
    actor: str = ""
    start: date | None = None
    end: date | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: dict[str, str]) -> TrailFilter:
        wanted = cls(action=args.get("action", "").strip()[:60], actor=args.get("actor", "").strip()[:80])
        wanted.start = wanted._date(args.get("from", ""), _("First day"))
        wanted.end = wanted._date(args.get("to", ""), _("Last day"))
        if wanted.start and wanted.end and wanted.start > wanted.end:
            wanted.errors.append(_("The start date is after the end date; the dates were not applied."))
            wanted.start = wanted.end = None
        return wanted

    def _date(self, text: str, name: str) -> date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors.append(
                _("%(field)s: %(value)s is not a date (YYYY-MM-DD); it was not applied.", field=name, value=text[:20])
            )
            return None

    def query(self) -> Select[Any]:  # its parameters differ between SQLAlchemy 2.0 and 2.1
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.actor:
            query = query.where(AuditEvent.actor == self.actor)
        if self.start:
            query = query.where(AuditEvent.at >= datetime.combine(self.start, time.min, UTC))
        if self.end:
            # The end day is included: everything before the next midnight (UTC).
            query = query.where(AuditEvent.at < datetime.combine(self.end + timedelta(days=1), time.min, UTC))
        return query

    def args(self) -> dict[str, str]:
        """The applied filters as URL parameters (for the pager and the export link)."""
        applied = {
            "action": self.action,
            "actor": self.actor,
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
        }
        return {key: value for key, value in applied.items() if value}


def _cell(value: str) -> str:
    # A spreadsheet would run a cell that starts like a formula: a leading quote keeps it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(events: Iterable[AuditEvent]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads Kazakh and Russian letters right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("When (UTC)"),
            _("Who"),
            _("Actor type"),
            _("Action"),
            _("Action code"),
            _("Object"),
            _("Object id"),
            _("Details"),
            _("OS user (command line)"),
        ]
    )
    for event in events:
        writer.writerow(
            _cell(value)
            for value in (
                event.at.strftime("%Y-%m-%d %H:%M:%S"),
                actor_label(event),
                actor_kind(event),
                action_label(event.action),
                event.action,
                event.object_type,
                event.object_id,
                json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else "",
                os_user_of(event),
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")

"""Invitations from a sample file: one single-use link per sampled person."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from surveyapp.extensions import db
from surveyapp.models import Invitation, InvitationStatus, StoredVersion
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.secrets import digest, new_token
from surveyapp.services.tabular import ImportFileError, xlsx_rows

NUMERIC_VARIABLES = {"base_weight"}
MAX_ERRORS = 20  # errors listed by row; more would bury the page


class SampleError(Exception):
    """The sample file cannot be used; the message names the file, line and column."""


@dataclass(frozen=True)
class CreatedInvitation:
    row: dict[str, str]
    token: str


def invitation_variables(domain: QuestionnaireVersion) -> list[str]:
    return [v.name for v in domain.design_variables if v.source == "invitation"]


def read_sample(path: Path, variables: Iterable[str]) -> list[dict[str, str]]:
    """Rows of the sample (CSV UTF-8, or the first sheet of an .xlsx), checked: every invitation design
    variable present, weights positive."""
    variables = list(variables)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        if not path.exists():
            raise SampleError(f"{path}: no such file")
        try:
            columns, numbered = xlsx_rows(path)
        except ImportFileError as error:
            raise SampleError(str(error)) from None
        for _line, row in numbered:
            for name in columns:
                row.setdefault(name, "")
        return _checked(path, columns, numbered, variables)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SampleError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise SampleError(f"{path}: not UTF-8 text; save the sample as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = list(reader.fieldnames or [])
    _require(path, columns, variables)
    numbered = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise SampleError(f"{path}:{line}: more values than columns in the header")
        numbered.append((line, row))
    return _checked(path, columns, numbered, variables)


def _require(path: Path, columns: list[str], variables: list[str]) -> None:
    missing = [v for v in variables if v not in columns]
    if missing:
        raise SampleError(
            f"{path}: column(s) {', '.join(missing)} missing; the questionnaire takes these design variables "
            f"from the invitation. Columns found: {', '.join(columns) or 'none'}"
        )


def _checked(
    path: Path, columns: list[str], numbered: list[tuple[int, dict[str, str]]], variables: list[str]
) -> list[dict[str, str]]:
    _require(path, columns, variables)
    rows = []
    errors: list[str] = []  # every faulty row at once, so one corrected upload fixes them all
    for line, row in numbered:
        for name in variables:
            value = (row.get(name) or "").strip()
            if not value:
                errors.append(f"{path}:{line}: column {name} is empty; every sampled person needs a value")
            elif name in NUMERIC_VARIABLES:
                try:
                    number = float(value)
                except ValueError:
                    number = math.nan
                if not math.isfinite(number) or number <= 0:
                    errors.append(f"{path}:{line}: {name} {value!r} is not a positive number")
        rows.append(row)
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"{path}: {len(errors) - MAX_ERRORS} more error(s) not listed")
        raise SampleError("\n".join(shown))
    if not rows:
        raise SampleError(f"{path}: the sample has no rows")
    return rows


def create_invitations(
    version: StoredVersion, domain: QuestionnaireVersion, rows: list[dict[str, str]], batch: str = ""
) -> list[CreatedInvitation]:
    """Store one invitation per row (only the declared design variables) and return the secret tokens."""
    variables = invitation_variables(domain)
    created = []
    for row in rows:
        token = new_token()
        sample: dict[str, object] = {}
        for name in variables:
            value = row[name].strip()
            sample[name] = float(value) if name in NUMERIC_VARIABLES else value
        db.session.add(Invitation(version_id=version.id, token_hash=digest(token), sample=sample, batch=batch))
        created.append(CreatedInvitation(row=row, token=token))
    return created


def links_csv(created: list[CreatedInvitation], base_url: str) -> str:
    """The sample's rows with each person's link added: the only place the secret tokens ever appear."""
    buffer = io.StringIO()
    columns = [*created[0].row.keys(), "link"] if created else ["link"]
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for invitation in created:
        writer.writerow(invitation.row | {"link": f"{base_url.rstrip('/')}/i/{invitation.token}"})
    return buffer.getvalue()


def token_of(link_or_token: str) -> str:
    """The token of a pasted link (``.../i/<token>``) or of a bare token."""
    text = link_or_token.strip()
    return text.rsplit("/i/", 1)[-1].strip("/ ") if "/i/" in text else text


def revoke(version: StoredVersion, link_or_token: str) -> Invitation | None:
    """Close an unused invitation of ``version`` so its link no longer opens; None when there is none to close.

    Only a link still unused can be revoked: a started or sent response belongs to its respondent.
    """
    from sqlalchemy import select

    from surveyapp.respond.locks import claim_invitation

    token = token_of(link_or_token)
    if not token:
        return None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(token), Invitation.version_id == version.id)
    )
    if invitation is None or invitation.status != InvitationStatus.SENT.value:
        return None
    if not claim_invitation(invitation, InvitationStatus.REVOKED):
        return None
    return invitation

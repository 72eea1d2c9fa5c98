"""Invitations from a sample file: one single-use link per sampled person."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from surveyapp.extensions import db
from surveyapp.models import Invitation, StoredVersion
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.secrets import digest, new_token

NUMERIC_VARIABLES = {"base_weight"}


class SampleError(Exception):
    """The sample file cannot be used; the message names the file, line and column."""


@dataclass(frozen=True)
class CreatedInvitation:
    row: dict[str, str]
    token: str


def invitation_variables(domain: QuestionnaireVersion) -> list[str]:
    return [v.name for v in domain.design_variables if v.source == "invitation"]


def read_sample(path: Path, variables: Iterable[str]) -> list[dict[str, str]]:
    """Rows of the sample CSV, checked: every invitation design variable present, weights positive."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SampleError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise SampleError(f"{path}: not UTF-8 text; save the sample as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    missing = [v for v in variables if v not in columns]
    if missing:
        raise SampleError(
            f"{path}: column(s) {', '.join(missing)} missing; the questionnaire takes these design variables "
            f"from the invitation. Columns found: {', '.join(columns) or 'none'}"
        )
    rows = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise SampleError(f"{path}:{line}: more values than columns in the header")
        for name in variables:
            value = (row.get(name) or "").strip()
            if not value:
                raise SampleError(f"{path}:{line}: column {name} is empty; every sampled person needs a value")
            if name in NUMERIC_VARIABLES:
                try:
                    number = float(value)
                except ValueError:
                    number = math.nan
                if not math.isfinite(number) or number <= 0:
                    raise SampleError(f"{path}:{line}: {name} {value!r} is not a positive number")
        rows.append(row)
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

"""Quotas per region from a sample file: how many submitted responses each region should reach.

The format (documented in the README): the sample may have a ``quota`` column next to a ``region`` column.
A region's quota is written on at least one of its rows (it may be repeated on every row; the values must then
agree); rows with an empty quota just count as that region's people. A sample without a ``quota`` column sets
no quotas. A new sample's quota for a region replaces the earlier one; regions it does not name keep theirs.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import RegionQuota, StoredVersion
from surveyapp.services.invitations import MAX_ERRORS, SampleError

QUOTA, REGION = "quota", "region"


def quotas_in_sample(path: Path, rows: list[dict[str, str]], regions: set[str]) -> dict[str, int]:
    """The sample's quota per region (empty without a ``quota`` column); every faulty row named at once.

    ``rows`` are read_sample's, in file order from line 2; ``regions`` the known codes (empty: not checked).
    """
    if not rows or QUOTA not in rows[0]:
        return {}
    if REGION not in rows[0]:
        raise SampleError(f"{path}: a quota column needs a region column: the quota is the target of each region")
    quotas: dict[str, tuple[int, int]] = {}  # region -> (quota, line it was first given on)
    errors: list[str] = []
    for line, row in enumerate(rows, start=2):
        region, text = (row.get(REGION) or "").strip(), (row.get(QUOTA) or "").strip()
        if not text:
            continue
        if not region:
            errors.append(f"{path}:{line}: quota {text!r} without a region")
            continue
        if regions and region not in regions:
            errors.append(
                f"{path}:{line}: unknown region {region!r}; use the codes of questionnaires/_lists/regions.yaml"
            )
            continue
        quota = _whole(text)
        if quota is None:
            errors.append(f"{path}:{line}: quota {text!r} is not a positive whole number")
            continue
        if region in quotas and quotas[region][0] != quota:
            first, at = quotas[region]
            errors.append(
                f"{path}:{line}: quota {quota} for {region}, but {first} on line {at}; give one quota a region"
            )
            continue
        quotas.setdefault(region, (quota, line))
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"{path}: {len(errors) - MAX_ERRORS} more error(s) not listed")
        raise SampleError("\n".join(shown))
    return {region: quota for region, (quota, _line) in sorted(quotas.items())}


def _whole(text: str) -> int | None:
    """A positive whole number, also as a spreadsheet writes it ("40.0"); None otherwise."""
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and number > 0 else None


def store_quotas(version: StoredVersion, quotas: dict[str, int]) -> None:
    """Set (or replace) the given regions' quotas of ``version``; the caller commits."""
    existing = {
        q.region: q for q in db.session.scalars(select(RegionQuota).where(RegionQuota.version_id == version.id))
    }
    for region, quota in quotas.items():
        if region in existing:
            existing[region].quota = quota
        else:
            db.session.add(RegionQuota(version_id=version.id, region=region, quota=quota))


def quotas_of(version: StoredVersion) -> dict[str, int]:
    rows = db.session.scalars(select(RegionQuota).where(RegionQuota.version_id == version.id))
    return {q.region: q.quota for q in rows}

"""Putting the demo into the database: the questionnaires, and synthetic responses for two years."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from surveyapp.demo.population import POLICE_PER_ADULT, margin_cells, police_margin_cells
from surveyapp.demo.synthetic import SyntheticResponse, responses
from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, StoredVersion, SurveyResponse
from surveyapp.questionnaire import load_tree
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.margins import import_margins
from surveyapp.services.publish_versions import publish
from surveyapp.services.versions import domain_of, published

# (instrument, version, fieldwork year, population) of the demo surveys; the staff survey kept its 2024
# questionnaire in 2025.
DEMO_SURVEYS = (
    ("public_safety", "2024", 2024, "adults"),
    ("public_safety", "2025", 2025, "adults"),
    ("child_protection", "2024", 2024, "pupils"),
    ("child_protection", "2025", 2025, "pupils"),
    ("police_staff", "2024", 2024, "police_employees"),
    ("police_staff", "2024", 2025, "police_employees"),
)
BATCH = 2000
DEMO_YEARS = (2024, 2025)


def publish_all(root: Path) -> int:
    """Publish every version file under root that is not published yet; returns how many were new."""
    created = sum(publish(version).created for version in load_tree(root))
    db.session.commit()
    return created


def response_row(row: StoredVersion, domain: QuestionnaireVersion, synthetic: SyntheticResponse) -> dict[str, Any]:
    """The `response` table row of one synthetic respondent (marked synthetic in mode and paradata)."""
    seconds = (synthetic.submitted_at - synthetic.started_at).total_seconds()
    return {
        "version_id": row.id,
        "version_sha256": row.sha256,
        "language": synthetic.language,
        "status": ResponseStatus.SUBMITTED.value,
        "mode": "synthetic",
        "answers": synthetic.answers,
        "page_languages": {section.code: synthetic.language for section in domain.sections},
        "design": synthetic.design,
        "paradata": {"synthetic": True, "device": synthetic.device, "total_seconds": round(seconds, 1), "resumes": 0},
        "quality_flags": ["speeding"] if domain.min_seconds and seconds < domain.min_seconds else [],
        "started_at": synthetic.started_at,
        "updated_at": synthetic.submitted_at,
        "submitted_at": synthetic.submitted_at,
        "current_section": domain.sections[-1].code,
    }


def insert_synthetic(
    row: StoredVersion, population: str, target: int, seed: int, year: int, batch_size: int = BATCH
) -> int:
    """About `target` synthetic respondents of `population` answering `row`, inserted in batches; how many."""
    domain = domain_of(row)
    scale = POLICE_PER_ADULT if population == "police_employees" else None
    batch: list[dict[str, Any]] = []
    total = 0
    for synthetic in responses(domain, target, seed, year, population == "pupils", scale):
        batch.append(response_row(row, domain, synthetic))
        if len(batch) >= batch_size:
            db.session.execute(insert(SurveyResponse), batch)
            total += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(SurveyResponse), batch)
        total += len(batch)
    db.session.commit()
    return total


def load_responses(adults_per_year: int, pupils_per_year: int, seed: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for instrument, version, year, population in DEMO_SURVEYS:
        row = published(instrument, version)
        if row is None:
            continue
        target = {"adults": adults_per_year, "pupils": pupils_per_year}.get(population, adults_per_year // 5)
        counts[f"{instrument}/{version} in {year}"] = insert_synthetic(row, population, target, seed, year)
    return counts


def load_margins(folder: Path, questionnaires: Path) -> list[str]:
    """Write the synthetic margins as the CSV files a researcher would import, and import them the same way."""
    folder.mkdir(parents=True, exist_ok=True)
    done = []
    for year in DEMO_YEARS:
        for population, pupils in (("adults", False), ("pupils", True)):
            path = folder / f"margins_{population}_{year}_SYNTHETIC.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=["region", "sex", "age_group", "settlement", "total"])
                writer.writeheader()
                writer.writerows(margin_cells(pupils, year))
            import_margins(path, year, population, questionnaires, synthetic=True)
            done.append(f"{population} {year}")
        path = folder / f"margins_police_employees_{year}_SYNTHETIC.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["region", "sex", "total"])
            writer.writeheader()
            writer.writerows(police_margin_cells(year))
        import_margins(path, year, "police_employees", questionnaires, synthetic=True)
        done.append(f"police_employees {year}")
    db.session.commit()
    return done


def has_responses() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(SurveyResponse)))

"""A published questionnaire with responses, and computation runs, for the API's resource tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ComputationRun, IndicatorResult, StoredVersion, SurveyResponse
from tests.surveyapp.respond_helpers import publish_file, readme_example

PROGRAMME = "public_safety_2024_2028"


@pytest.fixture
def survey(app: Flask, tmp_path: Path) -> Flask:
    """The README's example questionnaire, published, with three responses (two submitted in 2025)."""
    publish_file(app, readme_example(tmp_path))
    with app.app_context():
        version = db.session.scalar(select(StoredVersion))
        first = {"age": 34, "region": "almaty", "victim_types": ["theft", "fraud"]}
        second = {"age": 71, "region": "abai", "victim_other": "Қала, «кеш»"}
        rows = [
            ("submitted", datetime(2025, 3, 1, tzinfo=UTC), first, []),
            ("submitted", datetime(2025, 4, 2, tzinfo=UTC), second, ["speeding"]),
            ("in_progress", None, {"age": 19}, []),
        ]
        for status, submitted, answers, flags in rows:
            db.session.add(
                SurveyResponse(
                    version_id=version.id,
                    version_sha256=version.sha256,
                    language="kk",
                    status=status,
                    answers=answers,
                    design={"region": answers.get("region", ""), "stratum": "s1"},
                    quality_flags=flags,
                    submitted_at=submitted,
                )
            )
        db.session.commit()
    return app


@pytest.fixture
def runs(app: Flask) -> dict[str, int]:
    """One published and one draft run of the programme's 2025, each with a national and a regional result."""
    ids = {}
    with app.app_context():
        for name, published in (("published", datetime(2026, 1, 5, tzinfo=UTC)), ("draft", None)):
            run = ComputationRun(programme=PROGRAMME, year=2025, published_at=published, provenance={})
            run.results = [
                IndicatorResult(
                    indicator="1.1", estimate=61.5, se=1.2, ci_low=59.1, ci_high=63.8, df=40, deff=1.7, n=812,
                    n_eff=477.6, target=60.0, status="achieved",
                ),
                IndicatorResult(indicator="1.1", breakdown="region", category="almaty", estimate=58.0, n=90),
            ]  # fmt: skip
            db.session.add(run)
            db.session.flush()
            ids[name] = run.id
        db.session.commit()
    return ids

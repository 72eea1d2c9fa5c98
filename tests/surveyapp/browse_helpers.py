"""A small published questionnaire (the README's example) with four responses, for the browser and export-job
tests: 1, 2 and 4 submitted (2025, 2025, 2024), 3 in progress; 2 flagged, with a script as its free text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import StoredVersion, SurveyResponse
from tests.surveyapp.respond_helpers import publish_file, readme_example

SCRIPT = "<script>alert('x')</script> Қала"


def small_survey(app: Flask, tmp_path: Path) -> Flask:
    publish_file(app, readme_example(tmp_path))
    with app.app_context():
        version = db.session.scalar(select(StoredVersion))
        rows = [
            ("submitted", datetime(2025, 3, 1, tzinfo=UTC), "kk", {"victim_any": "yes", "age": 34}, [], "almaty"),
            ("submitted", datetime(2025, 4, 2, tzinfo=UTC), "ru", {"victim_other": SCRIPT}, ["speeding"], "abai"),
            ("in_progress", None, "kk", {"age": 19}, [], "almaty"),
            ("submitted", datetime(2024, 5, 2, tzinfo=UTC), "ru", {"age": 50}, [], "abai"),
        ]
        for status, submitted, lang, answers, flags, region in rows:
            db.session.add(
                SurveyResponse(
                    version_id=version.id,
                    version_sha256=version.sha256,
                    language=lang,
                    status=status,
                    answers=answers,
                    design={"region": region, "stratum": "s1"},
                    paradata={"seconds": {"about_you": 12}},
                    quality_flags=flags,
                    submitted_at=submitted,
                    started_at=submitted or datetime(2025, 6, 1, tzinfo=UTC),
                )
            )
        db.session.commit()
    return app

"""The fieldwork page's charts: completion by day and by region against the invitations, as inline SVG whose
bars carry exactly the figures of the data (and no script or external resource)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import StoredVersion, SurveyResponse
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.fieldwork_charts import RegionBar, completion_by_day, completion_by_region, daily_series
from surveyapp.services.invitations import create_invitations, revoke
from tests.conftest import AuthActions, make_user
from tests.surveyapp.respond_helpers import complete, publish_file, readme_example, start

BAR = re.compile(r"<rect [^>]*?data-(day|region)=\"([^\"]+)\"(?: data-kind=\"(\w+)\")? data-value=\"(\d+)\"")


def bars(svg: str) -> list[tuple[str, str, int]]:
    return [(key, kind, int(value)) for _attr, key, kind, value in BAR.findall(svg)]


def test_days_without_a_submission_are_drawn_as_zero() -> None:
    per_day = [(date(2026, 3, 1), 2), (date(2026, 3, 4), 1)]
    assert daily_series(per_day) == [
        (date(2026, 3, 1), 2),
        (date(2026, 3, 2), 0),
        (date(2026, 3, 3), 0),
        (date(2026, 3, 4), 1),
    ]
    svg = str(completion_by_day(per_day, "Per day", "sent"))
    assert bars(svg) == [("2026-03-01", "", 2), ("2026-03-02", "", 0), ("2026-03-03", "", 0), ("2026-03-04", "", 1)]
    assert completion_by_day([], "Per day", "sent") == ""


def test_titles_are_escaped_and_bars_scale_to_the_largest_figure() -> None:
    rows = [RegionBar("a", "<b>A</b>", 4, 2), RegionBar("b", "B", 1, 1)]
    svg = str(completion_by_region(rows, "T", "invited", "sent"))
    assert "<b>" not in svg and "&lt;b&gt;A&lt;/b&gt;" in svg
    widths = dict(
        ((region, kind), float(width))
        for width, region, kind in re.findall(r'width="([\d.]+)"[^>]*data-region="(\w)" data-kind="(\w+)"', svg)
    )
    assert widths[("a", "invited")] == 2 * widths[("a", "submitted")] == 4 * widths[("b", "invited")]


def _domain_with_sampled_regions(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    path = readme_example(tmp_path)
    text = path.read_text(encoding="utf-8")
    # The region comes from the sample here, as in a design stratified by region.
    assert "region: {source: item, item: region}" in text
    path.write_text(text.replace("region: {source: item, item: region}", "region: {source: invitation}"), "utf-8")
    return publish_file(app, path)


def test_fieldwork_page_draws_the_stored_figures(
    app: Flask, client: FlaskClient, auth: AuthActions, tmp_path: Path
) -> None:
    domain = _domain_with_sampled_regions(app, tmp_path)
    with app.app_context():
        row = db.session.scalars(select(StoredVersion)).one()
        sample = [{"region": "almaty", "stratum": "s"}] * 3 + [{"region": "astana", "stratum": "s"}] * 2
        made = create_invitations(row, domain, sample)
        revoke(row, made[4].token)  # a revoked link is no part of the sample
        db.session.commit()
    for invitation in (made[0], made[1], made[3]):
        respondent = app.test_client()
        complete(respondent, app, domain, start(respondent, f"/i/{invitation.token}"))
    with app.app_context():
        rows = db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).all()
        for response, day in zip(rows, (1, 1, 3), strict=True):
            response.submitted_at = datetime(2026, 3, day, 12, tzinfo=UTC)
        db.session.commit()

    make_user(app, "saule", "researcher")
    auth.login("saule")
    page = client.get("/research/fieldwork/example/2025?lang=kk").get_data(as_text=True)
    per_day = re.search(r'<svg [^>]*data-chart="per-day".*?</svg>', page, re.S)
    per_region = re.search(r'<svg [^>]*data-chart="per-region".*?</svg>', page, re.S)
    assert per_day and per_region, page
    assert bars(per_day.group(0)) == [("2026-03-01", "", 2), ("2026-03-02", "", 0), ("2026-03-03", "", 1)]
    assert bars(per_region.group(0)) == [
        ("almaty", "invited", 3),
        ("almaty", "submitted", 2),
        ("astana", "invited", 1),
        ("astana", "submitted", 1),
    ]
    assert "Жіберілді" in per_region.group(0) or "жіберілді" in per_region.group(0)
    assert "<script" not in per_day.group(0) + per_region.group(0) and "http://www.w3.org/2000/svg" in page
    assert 'viewBox="0 0 340 ' in per_day.group(0)  # drawn for a phone's width, scaled by the page

"""Programmes and targets, computation runs and indicator results: ministries see published runs only."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ApiToken, AuditEvent, ComputationRun, User
from tests.surveyapp.api.conftest import PROGRAMME
from tests.surveyapp.api.helpers import bearer, token_for


@pytest.mark.parametrize("role", ["ministry", "researcher", "admin"])
def test_programmes_list_indicators_and_targets(app: Flask, client: FlaskClient, role: str) -> None:
    auth = bearer(token_for(app, "dana", role))
    listing = client.get("/api/v1/programmes", headers=auth)
    assert listing.status_code == 200
    assert PROGRAMME in [p["code"] for p in listing.json["items"]]
    plan = client.get(f"/api/v1/programmes/{PROGRAMME}", headers=auth).json
    assert plan["name"]["kk"] and plan["name"]["ru"]
    targets = [t for i in plan["indicators"] for t in i["targets"]]
    assert targets and {"year", "value", "kind"} <= set(targets[0])
    assert client.get("/api/v1/programmes/nothing", headers=auth).status_code == 404


def test_ministries_see_only_published_runs(app: Flask, client: FlaskClient, runs: dict[str, int]) -> None:
    auth = bearer(token_for(app, "dana", "ministry"))
    listed = client.get(f"/api/v1/runs?programme={PROGRAMME}", headers=auth).json["items"]
    assert [r["id"] for r in listed] == [runs["published"]]
    assert client.get(f"/api/v1/runs/{runs['draft']}", headers=auth).status_code == 404
    assert client.get(f"/api/v1/programmes/{PROGRAMME}", headers=auth).json["years"] == [2025]
    published = client.get(f"/api/v1/runs/{runs['published']}?breakdown=national", headers=auth).json
    [result] = published["results"]
    assert result == {
        "indicator": "1.1", "breakdown": "", "category": "", "estimate": 61.5, "se": 1.2, "ci_low": 59.1,
        "ci_high": 63.8, "df": 40.0, "deff": 1.7, "n": 812, "n_eff": 477.6, "target": 60.0, "status": "achieved",
        "suppressed": "",
    }  # fmt: skip


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_researchers_and_admins_also_see_drafts(
    app: Flask, client: FlaskClient, runs: dict[str, int], role: str
) -> None:
    auth = bearer(token_for(app, "user", role))
    listed = client.get("/api/v1/runs?year=2025", headers=auth).json["items"]
    assert [r["id"] for r in listed] == [runs["draft"], runs["published"]]
    draft = client.get(f"/api/v1/runs/{runs['draft']}?breakdown=region", headers=auth).json
    assert draft["published"] is False and [r["category"] for r in draft["results"]] == ["almaty"]
    assert client.get("/api/v1/runs?year=abc", headers=auth).status_code == 400


def test_publishing_needs_an_admin_scope_and_is_audited(app: Flask, client: FlaskClient, runs: dict[str, int]) -> None:
    url = f"/api/v1/runs/{runs['draft']}/publish"
    read = bearer(token_for(app, "aigerim", "researcher", "read"))
    refused = client.post(url, headers={**read, "Accept-Language": "ru"})
    assert refused.status_code == 403
    assert refused.json["detail"] == "Область действия этого API-токена (read) не разрешает этот запрос."
    submit = bearer(token_for(app, "berik", "researcher", "submit"))
    assert client.post(url, headers=submit).status_code == 403
    ministry = bearer(token_for(app, "dana", "ministry", "admin"))
    assert client.post(url, headers=ministry).status_code == 403  # a scope never lends more than the role
    admin_scope = bearer(token_for(app, "chingis", "researcher", "admin"))
    answer = client.post(url, headers=admin_scope)  # no CSRF token: a bearer request needs none
    assert answer.status_code == 200 and answer.json["published"] is True
    with app.app_context():
        assert db.session.get(ComputationRun, runs["draft"]).published_at is not None
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results_publish")).one()
        token = db.session.scalar(select(ApiToken.id).join(ApiToken.user).where(User.username == "chingis"))
        assert event.actor == "chingis" and event.details == {"run": runs["draft"], "api_token": token}


def test_a_run_lists_its_weight_diagnostics(app: Flask, client: FlaskClient, runs: dict[str, int]) -> None:
    stored = {"calibration": "raking", "n": 812, "total": 1.2e7, "min": 3000.0, "max": 41000.0, "mean": 14778.3,
              "cv": 0.62, "kish_n_eff": 585.8, "efficiency": 0.7214, "deff_weighting": 1.3844,
              "max_min_ratio": 13.67}  # fmt: skip
    with app.app_context():
        run = db.session.get(ComputationRun, runs["published"])
        run.provenance = {"populations": {"adults": {"responses": 812, "weights": stored}, "pupils": {}}}
        db.session.commit()
    auth = bearer(token_for(app, "dana", "ministry"))
    body = client.get(f"/api/v1/runs/{runs['published']}?breakdown=national", headers=auth).json
    assert body["weights"] == {"adults": stored}  # a population without diagnostics (older runs) is left out
    listed = client.get(f"/api/v1/runs?programme={PROGRAMME}", headers=auth).json["items"]
    assert listed[0]["weights"]["adults"]["deff_weighting"] == 1.3844

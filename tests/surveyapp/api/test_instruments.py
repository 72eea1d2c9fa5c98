"""Instruments and versions: JSON, YAML and XLSForm, for researchers and admins only."""

from __future__ import annotations

import io

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.surveyapp.api.helpers import bearer, token_for


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_staff_read_instruments_and_versions(survey: Flask, client: FlaskClient, role: str) -> None:
    auth = bearer(token_for(survey, "user", role))
    listing = client.get("/api/v1/instruments", headers=auth)
    assert listing.status_code == 200
    [item] = listing.json["items"]
    assert item["code"] == "example" and [v["version"] for v in item["versions"]] == ["2025"]
    assert client.get("/api/v1/instruments/example", headers=auth).json["code"] == "example"
    version = client.get(item["versions"][0]["links"]["self"], headers=auth)
    assert version.status_code == 200
    assert version.json["sha256"] == item["versions"][0]["sha256"]
    assert version.json["content"]["instrument"] == "example"
    as_yaml = client.get("/api/v1/instruments/example/versions/2025/yaml", headers=auth)
    assert as_yaml.mimetype == "application/yaml"
    assert yaml.safe_load(as_yaml.get_data(as_text=True)) == version.json["content"]
    xlsform = client.get("/api/v1/instruments/example/versions/2025/xlsform", headers=auth)
    assert xlsform.status_code == 200
    assert {"survey", "choices", "settings"} <= set(load_workbook(io.BytesIO(xlsform.data)).sheetnames)


def test_ministries_are_refused_instruments(survey: Flask, client: FlaskClient) -> None:
    answer = client.get(
        "/api/v1/instruments", headers={**bearer(token_for(survey, "dana", "ministry")), "Accept-Language": "ru"}
    )
    assert answer.status_code == 403 and answer.mimetype == "application/problem+json"
    assert answer.json["detail"] == "Роль вашей учётной записи не даёт доступа к этому ресурсу."


def test_unknown_versions_are_translated_problems(survey: Flask, client: FlaskClient) -> None:
    auth = {**bearer(token_for(survey, "user", "researcher")), "Accept-Language": "kk"}
    answer = client.get("/api/v1/instruments/example/versions/1999", headers=auth)
    assert answer.status_code == 404
    assert answer.json["detail"] == "example құралының 1999 нұсқасы жарияланбаған."
    assert client.get("/api/v1/instruments/nothing", headers=auth).status_code == 404


def test_without_a_token_or_session_the_api_answers_401(survey: Flask, client: FlaskClient) -> None:
    answer = client.get("/api/v1/instruments")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"

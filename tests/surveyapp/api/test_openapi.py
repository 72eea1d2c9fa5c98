"""The OpenAPI 3.1 document is built from the routes and is valid."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate


def test_the_document_is_valid_openapi_3_1_and_covers_every_route(app: Flask, client: FlaskClient) -> None:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json
    assert document["openapi"] == "3.1.0"
    validate(document)
    routes = {
        rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == set(document["paths"])
    runs = document["paths"]["/api/v1/runs/{run_id}"]["get"]
    assert runs["x-roles"] == ["admin", "ministry", "researcher"]
    assert runs["parameters"] or document["paths"]["/api/v1/runs/{run_id}"]["parameters"]
    publish = document["paths"]["/api/v1/runs/{run_id}/publish"]["post"]
    assert publish["x-token-scope"] == "admin"
    assert "ResponsePage" in document["components"]["schemas"]
    assert document["paths"]["/api/v1/health"]["get"]["security"] == []


def test_the_docs_page_uses_the_copy_of_the_viewer_served_here(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-document="/api/v1/openapi.json"' in text and "://" not in text  # no CDN
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', text):
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        answer.close()

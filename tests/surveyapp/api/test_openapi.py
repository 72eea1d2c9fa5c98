"""The OpenAPI 3.1 document is built from the routes and is valid."""

from __future__ import annotations

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

"""Security headers on every page, a script policy without inline scripts, HSTS and ProxyFix by configuration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp import create_app
from surveyapp.extensions import db
from tests.surveyapp.respond_helpers import publish_file, readme_example, start

TEMPLATES = Path(__file__).resolve().parents[2] / "surveyapp" / "templates"


@pytest.mark.parametrize("path", ["/", "/auth/login", "/q/example/2025?lang=ru", "/no-such-page"])
def test_every_page_forbids_framing_sniffing_and_foreign_scripts(
    client: FlaskClient, app: Flask, tmp_path: Path, path: str
) -> None:
    publish_file(app, readme_example(tmp_path))
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives.get("default-src", "")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # not without TLS configured


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\son[a-z]+\s*=", text)
            or "javascript:" in text
        ):
            found.append(template.name)
    assert found == []


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
            "HSTS_SECONDS": 31536000,
            "TRUSTED_PROXIES": 1,
        }
    )
    with app.app_context():
        db.create_all()
    publish_file(app, readme_example(tmp_path))
    return app


def test_behind_a_tls_proxy_hsts_is_sent_and_forwarded_scheme_and_host_are_believed(behind_proxy: Flask) -> None:
    client = behind_proxy.test_client()
    forwarded = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "survey.example.kz",
        "X-Forwarded-For": "10.0.0.9",
        # What a browser sends under the same-origin policy; over HTTPS the CSRF check insists on it.
        "Referer": "https://survey.example.kz/q/example/2025?lang=ru",
    }
    client.environ_base.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in forwarded.items()})
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    page = client.get(first)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    body = page.get_data(as_text=True)
    assert "https://survey.example.kz/resume" in body
    assert 'content="no-referrer"' not in body  # a page-level policy that would strip the Referer the POSTs need


def test_without_a_configured_proxy_forwarded_headers_are_ignored(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    publish_file(app, readme_example(tmp_path))
    client.environ_base.update({"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "evil.example"})
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    body = client.get(first).get_data(as_text=True)
    assert "evil.example" not in body and "http://localhost/resume" in body

"""Margins and administrative figures uploaded in the browser: preview, the CLI's row errors, then stored."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import AdminFigure, MarginSet
from tests.conftest import AuthActions, csrf_token, make_user

MARGINS = "region,sex,age_group,settlement,total\nastana,female,18-29,urban,1000\nastana,male,18-29,urban,900\n"
PROGRAMME = "public_safety_2024_2028"
FIGURES = f"programme,indicator,year,region,count,population,value\n{PROGRAMME},A1,2025,,1400,,\n"


@pytest.fixture(autouse=True)
def english(client: FlaskClient) -> None:
    client.get("/?lang=en")


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return db.session.query(MarginSet).count(), db.session.query(AdminFigure).count()


def hidden(page: str) -> dict[str, str]:
    store = page.split('name="store"')[0].rsplit("<form", 1)[1]
    return dict(re.findall(r'name="([a-z_]+)" (?:type="hidden" )?value="([^"]*)"', store))


def test_margins_preview_stores_nothing_then_store_keeps_them(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    token = csrf_token(client, "/research/inputs")
    preview = client.post(
        "/research/inputs/margins",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(MARGINS.encode()), "m.csv"),
            "year": "2025",
            "population": "adults",
            "preview": "Preview",
        },
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "2 cells, population 1,900, for adults 2025" in page
    assert counts(app) == (0, 0)
    form = hidden(page)
    # The page carries a token, not the file: the file waits under the instance's uploads folder.
    assert form["year"] == "2025" and re.fullmatch(r"[\w-]{32}", form["upload"]) and "payload" not in form
    kept = list(Path(app.config["UPLOADS_DIR"]).glob(f"*/{form['upload']}/m.csv"))
    assert len(kept) == 1
    stored = client.post("/research/inputs/margins", data={**form, "store": "y"})
    assert stored.status_code == 302
    assert counts(app) == (1, 0)
    assert not kept[0].exists()  # deleted once stored
    again = client.post("/research/inputs/margins?lang=en", data={**form, "store": "y"}, follow_redirects=True)
    assert "The previewed file is no longer kept" in again.get_data(as_text=True)


def test_margins_row_error_is_the_clis_and_nothing_is_stored(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    token = csrf_token(client, "/research/inputs")
    bad = MARGINS + "atlantis,female,18-29,urban,5\n"
    response = client.post(
        "/research/inputs/margins",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(bad.encode()), "m.csv"),
            "year": "2025",
            "population": "adults",
            "preview": "Preview",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was stored. m.csv:4: unknown region &#39;atlantis&#39;" in page
    assert counts(app) == (0, 0)
    wrong = client.post(
        "/research/inputs/margins",
        data={"csrf_token": token, "file": (io.BytesIO(b"x"), "m.pdf"), "year": "2025", "population": "adults"},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 302
    assert "m.pdf: upload a .csv or .xlsx file" in client.get("/research/inputs").get_data(as_text=True)


def test_figures_preview_then_store(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    token = csrf_token(client, "/research/inputs")
    preview = client.post(
        "/research/inputs/figures",
        data={"csrf_token": token, "file": (io.BytesIO(FIGURES.encode()), "stats.csv"), "preview": "Preview"},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview: 1 figure(s)" in page and "1400" in page
    assert counts(app) == (0, 0)
    assert client.post("/research/inputs/figures", data={**hidden(page), "store": "y"}).status_code == 302
    assert counts(app) == (0, 1)
    bad = FIGURES + f"{PROGRAMME},A99,2025,,1,,\n"
    response = client.post(
        "/research/inputs/figures",
        data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "stats.csv"), "preview": "Preview"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "stats.csv:3: unknown indicator" in response.get_data(as_text=True)


def test_inputs_are_for_researchers_only(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "ministry", "ministry")
    auth.login("ministry")
    assert client.get("/research/inputs").status_code == 403
    token = csrf_token(client, "/")
    assert client.post("/research/inputs/margins", data={"csrf_token": token}).status_code == 403
    auth.logout()
    make_user(app, "saule", "researcher")
    auth.login("saule")
    assert client.post("/research/inputs/figures", data={}).status_code == 400  # no CSRF token


def test_a_margins_file_over_a_megabyte_is_previewed_and_stored(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    import os
    import time

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    make_user(app, "saule", "researcher")
    auth.login("saule")
    lines = ["region,sex,age_group,settlement,total"]
    regions = ["astana", "almaty", "shymkent", "abai"]
    for i in range(16000):
        for sex in ("female", "male"):
            lines.append(f"{regions[i % 4]},{sex},age-group-number-{i:05d},urban,{1000 + i}")
    body = ("\n".join(lines) + "\n").encode()
    assert len(body) > 1024 * 1024 and len(body) > app.config["MAX_CONTENT_LENGTH"]
    token = csrf_token(client, "/research/inputs")
    upload = {"csrf_token": token, "year": "2026", "population": "adults", "preview": "Preview"}
    # Encoded here in memory: the test client would spool it to a temporary file it never closes.
    stream, _length, boundary = stream_encode_multipart(
        {**upload, "file": FileStorage(io.BytesIO(body), filename="big.csv")}, use_tempfile=False
    )
    assert len(stream.getvalue()) > 1024 * 1024
    preview = client.post(
        "/research/inputs/margins", data=stream.getvalue(), content_type=f"multipart/form-data; boundary={boundary}"
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "32000 cells" in page, page[:2000]
    form = hidden(page)
    stored = client.post("/research/inputs/margins", data={**form, "store": "y"})
    assert stored.status_code == 302
    with app.app_context():
        margin_set = db.session.query(MarginSet).filter_by(year=2026).one()
        assert len(margin_set.cells) == 32000 and margin_set.file_name == "big.csv"

    # Other requests keep the ordinary limit.
    big = client.post("/auth/login", data={"username": "x" * (len(body))})
    assert big.status_code == 413

    # A preview left more than an hour is not stored, and says so.
    preview = client.post(
        "/research/inputs/margins",
        data={**upload, "year": "2027", "file": (io.BytesIO(MARGINS.encode()), "m.csv")},
        content_type="multipart/form-data",
    )
    form = hidden(preview.get_data(as_text=True))
    folder = next(Path(app.config["UPLOADS_DIR"]).glob(f"*/{form['upload']}"))
    old = time.time() - 3700
    os.utime(folder, (old, old))
    late = client.post("/research/inputs/margins?lang=ru", data={**form, "store": "y"}, follow_redirects=True)
    assert "Просмотренный файл больше не хранится" in late.get_data(as_text=True)
    assert not folder.exists()
    with app.app_context():
        assert db.session.query(MarginSet).filter_by(year=2027).count() == 0

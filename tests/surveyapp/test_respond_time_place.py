"""A respondent answers time, date-and-time, acknowledgement and location questions end to end."""

from __future__ import annotations

from pathlib import Path

import yaml
from flask import Flask
from flask.testing import FlaskClient

from tests.surveyapp.respond_helpers import (
    complete,
    only_response,
    page_url,
    post_page,
    publish_file,
    readme_example,
    start,
)

POINT = {"lat": 43.2389, "lon": 76.8897, "accuracy": 8.0}


def test_time_place_and_acknowledgement_are_stored(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    path = readme_example(tmp_path)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    label = {"kk": "Сұрақ", "ru": "Вопрос"}
    document["sections"].insert(
        0,
        {
            "code": "when_where",
            "title": {"kk": "Қашан, қайда", "ru": "Когда и где"},
            "items": [
                {"code": "woke", "type": "time", "label": label},
                {"code": "last_visit", "type": "datetime", "label": label},
                {"code": "rules_read", "type": "acknowledge", "label": label, "required": True},
                {"code": "home", "type": "geopoint", "label": label},
            ],
        },
    )
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    domain = publish_file(app, path)
    first = start(client, "/q/example/2025?lang=kk", lang="kk")
    assert page_url(first)[1] == "when_where"
    page = client.get(first).get_data(as_text=True)
    assert 'name="home.lat"' in page and 'name="home.lon"' in page and 'type="time"' in page
    assert "js/geopoint.js" in page and "<script>" not in page  # no inline script
    assert "Ендік" in page  # the field names are in the respondent's language
    overrides = {"woke": "06:45", "last_visit": "2025-03-01T09:30", "rules_read": "OK", "home": POINT}
    complete(client, app, domain, first, overrides={**overrides, "age": 25, "region": "astana", "district": "esil"})
    answers = only_response(app).answers
    assert {code: answers.get(code) for code in overrides} == overrides


def test_a_mistyped_location_is_refused_and_shown_again(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    path = readme_example(tmp_path)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = {"code": "home", "type": "geopoint", "label": {"kk": "Мекен", "ru": "Место"}}
    document["sections"].insert(0, {"code": "where", "title": {"kk": "Қайда", "ru": "Где"}, "items": [item]})
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    publish_file(app, path)
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    sent = post_page(client, first, {"home.lat": ["43,2x"], "home.lon": ["76.9"]})
    assert sent.status_code == 302  # Post/Redirect/Get: the typed input is kept server-side
    response = client.get(sent.location)
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # the page again, with the error
    assert "Введите широту и долготу числами" in page and 'value="43,2x"' in page

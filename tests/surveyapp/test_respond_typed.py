"""Everything typed on a page comes back as typed: after an error, a language switch or Back, and after the
redirect that follows every POST (so reloading a page with errors never asks to post the form again)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.surveyapp.respond_helpers import (
    QUESTIONNAIRES,
    come_back,
    fill,
    only_response,
    page_url,
    post_page,
    publish_file,
    start,
    stored_answers,
)


def _reach(client: FlaskClient, app: Flask, section: str, lang: str = "ru") -> str:
    """The address of `section` of public_safety, every earlier page answered validly."""
    domain = publish_file(app, QUESTIONNAIRES / "public_safety" / "2024.yaml")
    location = start(client, f"/q/public_safety/2024?lang={lang}", lang=lang)
    for _ in domain.sections:
        token, current = page_url(location)
        if current == section:
            return location
        moved = post_page(client, location, fill(domain, current, stored_answers(app, token)))
        assert moved.status_code == 302
        location = moved.location
    raise AssertionError(f"never reached {section}")


def _checked(page: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{re.escape(name)}" value="([^"]+)" checked', page))


def test_a_partly_answered_matrix_keeps_its_rows_after_an_error(app: Flask, client: FlaskClient) -> None:
    location = _reach(client, app, "feeling_safe")
    form = {"safe_alone_area": ["very_safe"], "safe_dark": ["rather_safe"], "safety_sense.personal": ["very_safe"]}
    posted = post_page(client, location, form)
    page = come_back(client, posted)
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and 'id="safety_sense-error"' in body
    assert _checked(body, "safety_sense.personal") == {"very_safe"}
    assert _checked(body, "safe_dark") == {"rather_safe"}

    # Reloading the page with errors is a plain GET: the same page, errors and ticks again, nothing posted.
    again = client.get(posted.location).get_data(as_text=True)
    assert _checked(again, "safety_sense.personal") == {"very_safe"} and 'id="safety_sense-error"' in again


def test_a_partly_answered_matrix_survives_a_language_switch(app: Flask, client: FlaskClient) -> None:
    location = _reach(client, app, "feeling_safe")
    form = {"safety_sense.personal": ["rather_unsafe"], "safety_sense.public": ["dont_know"]}
    switched = post_page(client, location, form, action="lang:kk")
    assert switched.status_code == 302
    body = client.get(switched.location).get_data(as_text=True)
    assert _checked(body, "safety_sense.personal") == {"rather_unsafe"}
    assert _checked(body, "safety_sense.public") == {"dont_know"}
    assert 'class="error"' not in body  # a language switch checks nothing


def test_four_ticks_where_three_are_allowed_all_come_back(app: Flask, client: FlaskClient) -> None:
    location = _reach(client, app, "local_community")
    four = ["theft_burglary", "fraud", "drugs", "stray_dogs"]
    form = {"local_problems": four, "local_requests": ["cctv"], "local_proposal": ["Больше фонарей"]}
    body = come_back(client, post_page(client, location, form)).get_data(as_text=True)
    assert 'id="local_problems-error"' in body
    assert _checked(body, "local_problems") == set(four)
    assert _checked(body, "local_requests") == {"cctv"}
    assert "Больше фонарей" in body


def test_typed_input_that_cannot_be_stored_survives_back_and_return(app: Flask, client: FlaskClient) -> None:
    location = _reach(client, app, "feeling_safe")
    token, _ = page_url(location)
    back = post_page(client, location, {"safety_sense.property": ["very_unsafe"]}, action="back")
    assert back.status_code == 302 and page_url(back.location)[1] != "feeling_safe"
    body = client.get(location.split("?")[0]).get_data(as_text=True)
    assert _checked(body, "safety_sense.property") == {"very_unsafe"}
    assert "safety_sense" not in stored_answers(app, token)  # not an answer yet: one row of three


def test_the_typed_input_is_dropped_once_the_page_saves_and_at_submission(app: Flask, client: FlaskClient) -> None:
    location = _reach(client, app, "feeling_safe")
    come_back(client, post_page(client, location, {"safety_sense.personal": ["very_safe"]}))
    assert "feeling_safe" in only_response(app).paradata["typed"]
    domain = publish_file(app, QUESTIONNAIRES / "public_safety" / "2024.yaml")
    token, _ = page_url(location)
    moved = post_page(client, location, fill(domain, "feeling_safe", stored_answers(app, token)))
    assert page_url(moved.location)[1] != "feeling_safe"
    assert "typed" not in only_response(app).paradata


def test_required_and_invalid_fields_are_announced(app: Flask, client: FlaskClient) -> None:
    location = _reach(client, app, "feeling_safe", lang="kk")
    page = client.get(location).get_data(as_text=True)
    # Radio groups (scales, matrix rows) are radiogroups that say they are required.
    assert re.search(r'<fieldset[^>]*id="item-safe_dark"[^>]*role="radiogroup" aria-required="true"', page)
    assert page.count('class="matrix-row" role="radiogroup" aria-required="true"') == 3

    form = {"safe_alone_area": ["very_safe"], "safe_dark": ["rather_safe"], "safety_sense.personal": ["very_safe"]}
    body = come_back(client, post_page(client, location, form)).get_data(as_text=True)
    rows = re.findall(r'<fieldset class="matrix-row" ([^>]*)>\s*<legend>', body)
    # The two unanswered rows are the invalid ones, described by the message.
    assert ['aria-invalid="true"' in row for row in rows] == [False, True, True]
    assert all('aria-describedby="safety_sense-error"' in row for row in rows)
    assert 'class="error-summary" role="alert" tabindex="-1"' in body


def test_check_boxes_with_an_error_are_invalid_and_a_required_group_says_so(app: Flask, client: FlaskClient) -> None:
    location = _reach(client, app, "local_community", lang="kk")
    page = client.get(location).get_data(as_text=True)
    assert '<span class="visually-hidden"> (жауап беру міндетті)</span>' in page
    four = ["theft_burglary", "fraud", "drugs", "stray_dogs"]
    body = come_back(client, post_page(client, location, {"local_problems": four})).get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" name="local_problems"[^>]*>', body)
    assert boxes and all('aria-invalid="true" aria-describedby="local_problems-error"' in box for box in boxes)
    proposal = re.search(r'<textarea id="f-local_proposal"[^>]*>', body)
    assert proposal and "aria-invalid" not in proposal.group(0)

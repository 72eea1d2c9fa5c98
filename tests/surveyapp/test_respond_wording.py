"""What respondents are told: thanks once the answers are sent, pupils addressed with сен, used codes, languages."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.respond import flow
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, complete, csrf, only_response, publish_file, start


def test_the_thank_you_note_comes_after_sending_not_above_the_button(app: Flask, client: FlaskClient) -> None:
    domain = publish_file(app, QUESTIONNAIRES / "child_protection" / "2024.yaml")
    closing = flow.closing_section(domain)
    assert closing is not None and closing.code == "end"
    assert "end" not in [s.code for s in flow.visible(domain, {})]
    first = start(client, "/q/child_protection/2024?lang=kk", lang="kk")
    pages: list[str] = []
    original_get = client.get

    def remember(url: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        response = original_get(url, *args, **kwargs)
        if "/p/" in url:
            pages.append(response.get_data(as_text=True))
        return response

    client.get = remember  # type: ignore[method-assign]
    done = complete(client, app, domain, first)
    client.get = original_get  # type: ignore[method-assign]
    last_page = pages[-1]
    assert 'value="submit"' in last_page
    assert "рахмет" not in last_page.lower() and "рақмет" not in last_page.lower()
    thanks = client.get(done).get_data(as_text=True)
    assert "Рақмет! Жауаптарың жіберілді." in thanks  # сен, not Сіз
    assert "Бұл бетті жаба аласың." in thanks and "атыңды" in thanks
    assert "Сауалнамаға қатысқаның үшін" in thanks  # the version's own closing note, now after sending
    assert only_response(app).status == "submitted"


def test_pupil_pages_speak_informally_and_adults_formally(app: Flask, client: FlaskClient) -> None:
    publish_file(app, QUESTIONNAIRES / "child_protection" / "2024.yaml")
    publish_file(app, QUESTIONNAIRES / "public_safety" / "2024.yaml")
    pupil_page = client.get(start(client, "/q/child_protection/2024?lang=kk", lang="kk")).get_data(as_text=True)
    assert "Кейінірек жалғастыруға арналған кодың" in pupil_page and "енгіз." in pupil_page
    adult_page = client.get(start(client, "/q/public_safety/2024?lang=kk", lang="kk")).get_data(as_text=True)
    assert "Сіздің жалғастыру кодыңыз" in adult_page and "енгізіңіз." in adult_page
    consent = client.get("/q/child_protection/2024?lang=ru").get_data(as_text=True)
    assert "pupil=1" in consent and "ты начал(а) раньше" in consent
    assert "Твой код (8 букв и цифр)" in client.get("/resume?lang=ru&pupil=1").get_data(as_text=True)


def test_a_used_code_says_the_answers_were_sent(app: Flask, client: FlaskClient) -> None:
    domain = publish_file(app, QUESTIONNAIRES / "public_safety" / "2024.yaml")
    complete(client, app, domain, start(client, "/q/public_safety/2024?lang=ru", lang="ru"))
    code = only_response(app).resume_code
    assert code
    reply = client.post("/resume", data={"code": code, "lang": "ru", "csrf_token": csrf(client, "/resume?lang=ru")})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "Эти ответы уже отправлены" in page
    assert only_response(app).status == "submitted"


def test_the_resume_page_has_a_language_switch(client: FlaskClient) -> None:
    page = client.get("/resume?lang=kk").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)"', page)
    assert ("/resume?lang=ru", "ru") in links
    assert "Продолжение опроса" in client.get("/resume?lang=ru").get_data(as_text=True)


def test_english_is_never_offered_to_respondents_and_asking_says_so(app: Flask, client: FlaskClient) -> None:
    publish_file(app, QUESTIONNAIRES / "public_safety" / "2024.yaml")
    consent = client.get("/q/public_safety/2024?lang=en", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="ru">' in consent and "Kazakh and Russian only" in consent
    assert "Kazakh and Russian only" not in client.get("/q/public_safety/2024?lang=kk").get_data(as_text=True)
    first = start(client, "/q/public_safety/2024?lang=kk", lang="kk")
    page = client.get(first.split("?")[0] + "?lang=en").get_data(as_text=True)
    assert '<html lang="kk">' in page and "Kazakh and Russian only" in page

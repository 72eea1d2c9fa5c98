from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "surveyapp" / "translations"

TITLE = {
    "kk": "Сауалнамалар және индикаторлар мониторингі",
    "ru": "Опросы и мониторинг индикаторов",
    "en": "Survey and indicator monitoring",
}


def _key(context: str | None, message: str | tuple[str, ...]) -> tuple[str | None, str]:
    # A plural entry is known by its singular; a pupil-register entry by its context too.
    return context, message if isinstance(message, str) else message[0]


def interface_strings() -> set[tuple[str | None, str]]:
    """Every string the code marks for translation, extracted the way `flask translate update` does."""
    method_map = [("surveyapp/**.py", "python"), ("surveyapp/templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        found.add(_key(context, message))
    return found


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_interface_string_is_translated(lang: str) -> None:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = {_key(m.context, m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    strings = interface_strings()
    assert len(strings) > 40  # the extraction itself works
    missing = sorted(strings - translated)
    assert not missing, (
        f"{len(missing)} interface strings have no {lang} translation: {missing[:10]} "
        "— run `flask translate update`, translate them, then `flask translate compile`"
    )


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_page_in_each_language_by_accept_language(client: FlaskClient, lang: str) -> None:
    page = client.get("/", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert TITLE[lang] in page


def test_default_language_is_kazakh(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="kk">' in page
    assert TITLE["kk"] in page


def test_explicit_choice_is_remembered_over_accept_language(client: FlaskClient) -> None:
    response = client.get("/language/ru?next=/auth/login", headers={"Accept-Language": "kk"})
    assert response.status_code == 302 and response.location == "/auth/login"
    page = client.get("/", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert TITLE["ru"] in page
    client.get("/?lang=en")
    assert TITLE["en"] in client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)


def test_unknown_language_is_404(client: FlaskClient) -> None:
    assert client.get("/language/fr").status_code == 404


def test_language_switch_does_not_redirect_off_site(client: FlaskClient) -> None:
    assert client.get("/language/kk?next=https://evil.example/").location == "/"


def test_kazakh_letters_survive_rendering(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    for letter in "әғқңөі":
        assert letter in page


@pytest.mark.parametrize(
    ("lang", "text"),
    [("kk", "Бет табылмады"), ("ru", "Страница не найдена"), ("en", "Page not found")],
)
def test_404_page_in_chosen_language(client: FlaskClient, lang: str, text: str) -> None:
    response = client.get(f"/no/such/page?lang={lang}")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_api_errors_are_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    # RFC 9457 problem details, in the caller's language
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404
    assert response.json["title"] == "Страница не найдена"
    assert client.get("/api/v1/me").json["status"] == 401
    assert client.get("/api/v1/health").json == {"status": "ok"}


def test_500_rolls_back_and_answers_in_language(client: FlaskClient) -> None:
    app = client.application

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaput")

    @app.get("/api/v1/boom")
    def api_boom() -> str:
        raise RuntimeError("kaput")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom?lang=ru")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Что-то пошло не так" in body and "kaput" not in body and "Traceback" not in body
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json["status"] == 500

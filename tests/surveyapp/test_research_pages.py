"""Researchers' pages in the interface language: the version diff, the questionnaire list, the fieldwork page."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import SurveyResponse
from surveyapp.questionnaire import load_version
from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.conftest import AuthActions, invoke, make_user
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, complete, start
from tests.surveyapp.test_invitations import example  # noqa: F401  (the fixture)


def test_version_diff_is_a_localized_page_with_full_texts_and_reasons(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    response = client.get("/research/questionnaires/public_safety/diff?from=2024&to=2025&lang=ru")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    before = load_version(QUESTIONNAIRES / "public_safety" / "2024.yaml").item("vict_fraud").label.ru
    after = load_version(QUESTIONNAIRES / "public_safety" / "2025.yaml").item("vict_fraud").label.ru
    assert len(after) > 90 and len(before) > 90
    for text in (before, after):  # whole, not cut at 90 characters
        assert text.replace("«", "&#171;").replace("»", "&#187;") in page or text in page
    assert "<pre" not in page
    assert "Изменения с 2024 по 2025" in page and "Заменён (ряд прерывается)" in page
    assert "Items changed" not in page and "Summary:" not in page
    # The authors' reason from x_changes stands next to the item it explains.
    assert "Examples updated to current schemes" in page
    assert "e_scooters" in page and "Добавлены варианты ответа" in page


def test_questionnaire_list_is_by_title_in_the_interface_language(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    invoke(app, "questionnaires", "publish", str(QUESTIONNAIRES / "child_protection" / "2024.yaml"))
    make_user(app, "saule", "researcher")
    auth.login("saule")
    page = client.get("/research/questionnaires?lang=ru").get_data(as_text=True)
    child = load_version(QUESTIONNAIRES / "child_protection" / "2024.yaml").title.ru
    adults = load_version(QUESTIONNAIRES / "public_safety" / "2025.yaml").title.ru
    assert f"<h2>{child} <small>" in page and f"<h2>{adults} <small>" in page
    kk = client.get("/research/questionnaires?lang=kk").get_data(as_text=True)
    assert load_version(QUESTIONNAIRES / "public_safety" / "2025.yaml").title.kk in kk


def test_fieldwork_page_names_pages_and_flags(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    example: QuestionnaireVersion,  # noqa: F811
    tmp_path: Path,
) -> None:
    respondent = app.test_client()
    complete(respondent, app, example, start(respondent, "/q/example/2025?lang=ru", lang="ru"))
    left = app.test_client()
    left.get(start(left, "/q/example/2025?lang=kk", lang="kk"))  # left on the first page
    with app.app_context():
        submitted = db.session.query(SurveyResponse).filter(SurveyResponse.submitted_at.is_not(None)).one()
        submitted.quality_flags = ["speeding"]
        db.session.commit()
    make_user(app, "saule", "researcher")
    auth.login("saule")
    page = client.get("/research/fieldwork/example/2025?lang=ru").get_data(as_text=True)
    first = example.sections[0]
    assert f"<td>{first.title.ru} <small>{first.code}</small></td><td>1</td>" in page
    assert "ответил слишком быстро" in page and ": speeding<" not in page

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from surveyapp.extensions import db
from surveyapp.models import StoredVersion, SurveyResponse
from surveyapp.models.base import utcnow
from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.surveyapp.respond_helpers import (
    QUESTIONNAIRES,
    come_back,
    complete,
    csrf,
    fill,
    only_response,
    page_url,
    post_page,
    publish_file,
    readme_example,
    start,
    stored_answers,
)

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Mobile Safari/537.36"


@pytest.fixture
def example(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    return publish_file(app, readme_example(tmp_path))


def count_responses(app: Flask) -> int:
    with app.app_context():
        return db.session.query(SurveyResponse).count()


def test_consent_page_in_both_languages(client: FlaskClient, example: QuestionnaireVersion) -> None:
    kk = client.get("/q/example/2025?lang=kk").get_data(as_text=True)
    ru = client.get("/q/example/2025?lang=ru").get_data(as_text=True)
    assert "Сауалнама жасырын." in kk and 'lang="kk"' in kk
    assert "Опрос анонимный." in ru and "Я не хочу участвовать" in ru


def test_unpublished_version_is_404(client: FlaskClient, example: QuestionnaireVersion) -> None:
    assert client.get("/q/example/2099").status_code == 404


def test_declining_stores_nothing(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    token = csrf(client, "/q/example/2025?lang=ru")
    page = client.post("/q/example/2025", data={"action": "decline", "lang": "ru", "csrf_token": token})
    assert page.status_code == 200
    assert "Ответы не сохранены" in page.get_data(as_text=True)
    assert count_responses(app) == 0


def test_complete_survey_stores_one_anonymous_response(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    client.environ_base["HTTP_USER_AGENT"] = PHONE
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    first = start(client, "/q/example/2025?lang=kk", lang="kk")
    page = client.get(first).get_data(as_text=True)
    assert "Сіздің жалғастыру кодыңыз" in page  # the resume code is shown at once
    done = complete(client, app, example, first, overrides={"age": 25, "region": "astana", "district": "esil"})
    thanks = client.get(done).get_data(as_text=True)
    assert "Рақмет" in thanks and "102" in thanks  # helplines on the thank-you page
    response = only_response(app)
    assert response.status == "submitted" and response.submitted_at is not None
    assert response.version_sha256 == example.sha256
    assert response.language == "kk"
    assert set(response.page_languages.values()) == {"kk"}
    assert response.answers["age"] == 25 and response.answers["district"] == "esil"
    assert response.design["region"] == "astana" and response.design["age_group"] == "18-29"
    assert response.paradata["device"] == "phone"
    assert response.invitation_id is None
    assert response.quality_flags == ["speeding"]  # a test client answers far faster than 60 s
    stored = repr(
        [getattr(response, c.key) for c in SurveyResponse.__table__.columns]  # every column of the row
    )
    assert "10.1.2.3" not in stored and "Android" not in stored and "Pixel" not in stored


def test_required_question_message_in_chosen_language(client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    page = come_back(client, post_page(client, first, {}))
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "Пожалуйста, проверьте ответы" in body
    assert 'aria-invalid="true"' in body


def test_constraint_message_and_bounds(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=kk", lang="kk")
    page = come_back(client, post_page(client, first, {"age": ["12"], "region": ["astana"], "district": ["esil"]}))
    assert page.status_code == 422
    token, _section = page_url(first)
    # The valid answers of the page are kept while the wrong one is corrected.
    stored = stored_answers(app, token)
    assert stored["region"] == "astana" and stored["district"] == "esil" and "age" not in stored
    assert "Сіз неше жастасыз?" in page.get_data(as_text=True)


def test_skip_logic_discards_hidden_answers(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    second = post_page(client, first, fill(example, "about_you", {}, {"age": 40, "region": "almaty"})).location
    yes = fill(example, "safety", stored_answers(app, token), {"victim_any": "yes", "victim_types": ["theft"]})
    assert post_page(client, second, yes, action="back").status_code == 302
    assert stored_answers(app, token)["victim_types"] == ["theft"]
    no = fill(example, "safety", stored_answers(app, token), {"victim_any": "no"})
    no["victim_types"] = ["theft"]  # sent anyway, as a stale form would
    assert post_page(client, second, no, action="back").status_code == 302
    answers = stored_answers(app, token)
    assert answers["victim_any"] == "no" and "victim_types" not in answers and "victims_count" not in answers


def test_language_switch_keeps_answers(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=kk", lang="kk")
    token, section = page_url(first)
    switched = post_page(client, first, {"age": ["33"]}, action="lang:ru")
    assert switched.status_code == 302
    page = client.get(switched.location).get_data(as_text=True)
    assert "Сколько вам полных лет?" in page and 'value="33"' in page
    assert stored_answers(app, token)["age"] == 33
    second = post_page(client, switched.location, fill(example, section, {}, {"region": "astana"})).location
    complete(client, app, example, second)
    response = only_response(app)
    assert response.language == "ru" and response.page_languages == {"about_you": "ru", "safety": "ru"}


def test_resume_with_code_on_another_device(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=kk", lang="kk")
    old_token, _ = page_url(first)
    second = post_page(client, first, fill(example, "about_you", {}, {"region": "astana"})).location
    code = only_response(app).resume_code
    other = client.application.test_client()
    token = csrf(other, "/resume?lang=kk")
    wrong = other.post("/resume", data={"code": "ZZZZ-ZZZZ", "csrf_token": token})
    assert wrong.status_code == 400
    resumed = other.post("/resume", data={"code": f"{code[:4]}-{code[4:].lower()}", "csrf_token": token})
    assert resumed.status_code == 302
    new_token, section = page_url(resumed.location)
    assert section == page_url(second)[1] and new_token != old_token
    assert client.get(first).status_code == 404  # the old link no longer opens the answers
    assert "Қауіпсіздік" in other.get(resumed.location).get_data(as_text=True)
    complete(other, app, example, resumed.location)
    assert only_response(app).paradata["resumes"] == 1


def test_submission_is_idempotent(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    last = post_page(client, first, fill(example, "about_you", {}, {"region": "astana"})).location
    form = fill(example, "safety", stored_answers(app, token))
    csrf_token = csrf(client, last)
    url = last.split("?")[0]
    first_submit = client.post(url, data={"action": "submit", "csrf_token": csrf_token, **form})
    again = client.post(url, data={"action": "submit", "csrf_token": csrf_token, **form, "age": ["99"]})
    assert first_submit.status_code == 302 and again.status_code == 302
    assert again.location.endswith("/done")
    assert count_responses(app) == 1
    submitted = only_response(app)
    assert submitted.status == "submitted" and submitted.answers["age"] != 99


def test_expired_partial_cannot_continue(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    with app.app_context():
        response = db.session.query(SurveyResponse).one()
        response.expires_at = utcnow() - timedelta(days=1)
        code = response.resume_code
        db.session.commit()
    assert client.get(first).status_code == 410
    token = csrf(client, "/resume?lang=ru")
    assert client.post("/resume", data={"code": code, "csrf_token": token}).status_code == 410


def test_kazakh_letters_are_stored_exactly(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=kk", lang="kk")
    token, _ = page_url(first)
    second = post_page(client, first, fill(example, "about_you", {}, {"region": "astana"})).location
    form = fill(
        example,
        "safety",
        stored_answers(app, token),
        {"victim_any": "yes", "victim_types": ["other"], "victim_other": "Әжемнің сөмкесін ұрлады: ғқңөұүһі"},
    )
    post_page(client, second, form, action="back")
    assert stored_answers(app, token)["victim_other"] == "Әжемнің сөмкесін ұрлады: ғқңөұүһі"


def test_children_see_assent_and_helplines(app: Flask, client: FlaskClient) -> None:
    domain = publish_file(app, QUESTIONNAIRES / "child_protection" / "2024.yaml")
    page = client.get("/q/child_protection/2024?lang=kk").get_data(as_text=True)
    assert "Сәлем!" in page and "111" in page
    first = start(client, "/q/child_protection/2024?lang=kk", lang="kk")
    done = complete(client, app, domain, first)
    thanks = client.get(done).get_data(as_text=True)
    assert "111" in thanks and "150" in thanks
    assert only_response(app).design["age_group"] in {"12-14", "15-17"}


def test_public_safety_can_be_completed_in_russian(app: Flask, client: FlaskClient) -> None:
    domain = publish_file(app, QUESTIONNAIRES / "public_safety" / "2024.yaml")
    first = start(client, "/q/public_safety/2024?lang=ru", lang="ru")
    complete(client, app, domain, first)
    response = only_response(app)
    assert response.status == "submitted"
    assert {"region", "settlement", "sex", "age_group"} <= set(response.design)


def test_follow_up_questions_on_the_same_page_are_shown_before_moving_on(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    second = post_page(client, first, fill(example, "about_you", {}, {"age": 40, "region": "astana"})).location
    page = client.get(second).get_data(as_text=True)
    shown = re.search(r'name="shown" value="([^"]*)"', page).group(1)
    assert "victim_any" in shown.split() and "victim_types" not in shown.split()
    form = {"shown": [shown], "safe_dark": ["rather_safe"], "victim_any": ["yes"]}
    again = come_back(client, post_page(client, second, form, action="submit"))
    assert again.status_code == 200  # not submitted: a follow-up appeared
    body = again.get_data(as_text=True)
    assert "Ваш ответ открыл новые вопросы" in body and 'name="victim_types"' in body
    assert only_response(app).status == "in_progress"
    # Each answer may open the next follow-up (types -> how many times); the page comes back until none is new.
    form |= {"victim_types": ["theft"], "victims_count": ["1"]}
    for _ in range(3):
        shown = re.search(r'name="shown" value="([^"]*)"', body).group(1)
        done = post_page(client, second, {**form, "shown": [shown]}, action="submit")
        if done.location.endswith("/done"):
            break
        body = come_back(client, done).get_data(as_text=True)
        assert "Ваш ответ открыл новые вопросы" in body and 'class="error"' not in body
    assert done.status_code == 302 and done.location.endswith("/done")
    assert stored_answers(app, token)["victim_types"] == ["theft"]


def test_tampered_and_unknown_inputs_are_refused_without_damage(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    good = fill(example, "about_you", {}, {"age": 40, "region": "astana", "district": "esil"})
    assert post_page(client, first, good, action="back").status_code in {200, 302}
    before = stored_answers(app, token)
    # An unknown choice code, a field that is not on the page, a value for another page's item.
    tampered = {**good, "region": ["atlantis"], "is_admin": ["1"], "victim_any": ["yes"]}
    page = come_back(client, post_page(client, first, tampered))
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert 'id="region-error"' in body
    after = stored_answers(app, token)
    assert "is_admin" not in after and "victim_any" not in after and after["age"] == before["age"]
    assert after.get("region") != "atlantis"


def test_oversized_text_is_refused(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=kk", lang="kk")
    token, _ = page_url(first)
    second = post_page(client, first, fill(example, "about_you", {}, {"region": "astana"})).location
    form = fill(
        example,
        "safety",
        stored_answers(app, token),
        {"victim_any": "yes", "victim_types": ["other"], "victim_other": "ә" * 5000},
    )
    page = post_page(client, second, form, action="submit")
    assert page.status_code == 302 and page_url(page.location)[1] == "safety"
    assert "victim_other" not in stored_answers(app, token)
    assert only_response(app).status == "in_progress"


def test_respondent_post_without_csrf_token_changes_nothing(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    before = stored_answers(app, token)
    response = client.post(first.split("?")[0], data={"action": "next", "age": ["50"], "region": ["astana"]})
    assert response.status_code == 400
    assert "Обновите страницу" in response.get_data(as_text=True)
    assert stored_answers(app, token) == before
    declined = client.post("/q/example/2025", data={"action": "agree", "lang": "ru"})
    assert declined.status_code == 400 and count_responses(app) == 1


def test_forged_tokens_and_codes(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    assert client.get("/s/forged-token/p/about_you").status_code == 404
    assert client.get("/i/forged-invitation").status_code == 404
    token = csrf(client, "/resume?lang=ru")
    forged = client.post("/resume", data={"code": "'; DROP TABLE response; --", "csrf_token": token})
    assert forged.status_code == 400 and "Такой код не найден" in forged.get_data(as_text=True)
    assert count_responses(app) == 0


def test_expire_command_closes_overdue_partials(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    client.get(start(client, "/q/example/2025?lang=ru", lang="ru"))
    other = app.test_client()
    other.get(start(other, "/q/example/2025?lang=kk", lang="kk"))
    with app.app_context():
        first = db.session.query(SurveyResponse).order_by(SurveyResponse.id).first()
        first.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["responses", "expire"])
    assert result.exit_code == 0 and "1 unfinished response(s) expired." in result.output
    with app.app_context():
        statuses = sorted(r.status for r in db.session.query(SurveyResponse))
        closed = db.session.query(SurveyResponse).filter_by(status="expired").one()
        assert statuses == ["expired", "in_progress"] and closed.resume_code is None


def _statements(app: Flask) -> list[str]:
    seen: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_consent_page_needs_no_query_once_the_version_is_known(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    assert client.get("/q/example/2025?lang=ru").status_code == 200
    statements = _statements(app)
    for lang in ("ru", "kk"):
        page = client.get(f"/q/example/2025?lang={lang}")
        assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    assert statements == []
    # ...and starting from the remembered version stores the response under the right version and hash.
    start(client, "/q/example/2025", lang="ru")
    stored = only_response(app)
    assert stored.version_sha256 == example.sha256
    with app.app_context():
        row = db.session.get(StoredVersion, stored.version_id)
        assert row is not None and (row.version, row.sha256) == ("2025", example.sha256)


def test_a_version_published_after_a_404_is_found(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    path = readme_example(tmp_path)
    assert client.get("/q/example/2025").status_code == 404  # a miss is not remembered
    publish_file(app, path)
    assert client.get("/q/example/2025").status_code == 200


def test_consent_says_how_a_question_is_skipped(app: Flask, client: FlaskClient) -> None:
    # The consent promises "skip any question" while every question is required: the page names the answer that
    # skips one and counts the questions that cannot be skipped (age, region, district, settlement, sex).
    publish_file(app, QUESTIONNAIRES / "public_safety" / "2024.yaml")
    ru = client.get("/q/public_safety/2024?lang=ru").get_data(as_text=True)
    assert "Чтобы пропустить вопрос, выберите «Предпочитаю не отвечать»." in ru
    assert "В 5 вопросах такого варианта нет, на них нужно ответить." in ru
    kk = client.get("/q/public_safety/2024?lang=kk").get_data(as_text=True)
    assert "Сұрақты өткізіп жіберу үшін «Жауап бергім келмейді» нұсқасын таңдаңыз." in kk
    publish_file(app, QUESTIONNAIRES / "child_protection" / "2024.yaml")
    pupils = client.get("/q/child_protection/2024?lang=kk").get_data(as_text=True)
    assert "нұсқасын таңда." in pupils and "таңдаңыз" not in pupils.split('class="skip-rule"')[1].split("</p>")[0]


def test_last_page_posted_straight_after_consent_does_not_submit(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    last = f"/s/{token}/p/safety"
    sent = post_page(client, last, fill(example, "safety", {}, {"victim_any": "no"}), action="submit")
    assert sent.status_code == 302 and "/p/about_you" in sent.location
    assert only_response(app).status == "in_progress"
    page = client.get(sent.location)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Не хватает ответов, нужных для завершения" in body and 'aria-invalid="true"' in body
    assert stored_answers(app, token)["victim_any"] == "no"  # what was sent is kept for later
    done = complete(client, app, example, sent.location, overrides={"region": "astana", "victim_any": "no"})
    assert done.endswith("/done")
    response = only_response(app)
    assert response.status == "submitted" and response.answers["age"] and response.design["region"] == "astana"

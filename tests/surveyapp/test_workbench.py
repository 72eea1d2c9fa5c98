"""The workbench in the browser: questionnaire drafts (upload, report, metadata, preview, diff, publish, delete)
and accounts (admin user management, one-time reset links, one's own password), per page and role."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, QuestionnaireDraft, StoredVersion, User
from surveyapp.questionnaire import load_version
from tests.conftest import PASSWORD, AuthActions, csrf_token, invoke, make_user
from tests.surveyapp.respond_helpers import QUESTIONNAIRES

SOURCE_2025 = QUESTIONNAIRES / "public_safety" / "2025.yaml"


@pytest.fixture(autouse=True)
def english(client: FlaskClient) -> None:
    # The app starts in Kazakh; the English texts below are the msgids, so the pages are asked for in English.
    client.get("/?lang=en")


def yaml_2026() -> bytes:
    return SOURCE_2025.read_text(encoding="utf-8").replace('version: "2025"', 'version: "2026"').encode()


def flashes(page: str) -> list[str]:
    return re.findall(r'class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S)


def upload(client: FlaskClient, name: str, data: bytes, **fields: str) -> object:
    token = csrf_token(client, "/research/questionnaires")
    return client.post(
        "/research/drafts",
        data={"file": (io.BytesIO(data), name), "csrf_token": token, "population": "adults", **fields},
        content_type="multipart/form-data",
    )


def drafts(app: Flask) -> list[QuestionnaireDraft]:
    with app.app_context():
        return list(db.session.scalars(select(QuestionnaireDraft)))


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_yaml_draft_preview_diff_and_publish_with_its_hash(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    assert invoke(app, "questionnaires", "publish", str(SOURCE_2025))[0] == 0
    make_user(app, "saule", "researcher")
    auth.login("saule")
    response = upload(client, "public_safety_2026.yaml", yaml_2026())
    assert response.status_code == 302
    draft_url = response.headers["Location"]
    page = client.get(draft_url).get_data(as_text=True)
    assert "No problems found" in page and "public_safety" in page
    [draft] = drafts(app)
    assert (draft.instrument, draft.version, draft.source_format) == ("public_safety", "2026", "yaml")

    preview = client.get(f"{draft_url}/preview?lang=ru").get_data(as_text=True)
    assert load_version(SOURCE_2025).title.ru in preview and "vict_fraud" in preview
    diff = client.get(f"{draft_url}/diff?lang=ru")
    assert diff.status_code == 200 and "Изменения с 2025 по 2026" in diff.get_data(as_text=True)
    assert client.get(f"{draft_url}/export.yaml").data == yaml_2026()

    confirm = client.get(f"{draft_url}/publish").get_data(as_text=True)
    sha = re.search(r'<code class="hash">([0-9a-f]{64})</code>', confirm)
    assert sha, confirm
    published = client.post(f"{draft_url}/publish", data={"csrf_token": csrf_token(client, f"{draft_url}/publish")})
    assert published.headers["Location"].endswith("/research/questionnaires/public_safety/2026")
    shown = client.get(published.headers["Location"]).get_data(as_text=True)
    assert sha.group(1) in " ".join(flashes(shown))
    with app.app_context():
        row = db.session.scalar(select(StoredVersion).where(StoredVersion.version == "2026"))
        assert row is not None and row.sha256 == sha.group(1)
    assert drafts(app) == []  # the draft is the published version now
    assert {"draft_upload", "publish", "draft_delete"} <= set(actions(app))


def test_xlsform_draft_gets_missing_title_from_the_metadata_form(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    workbook = client.get("/research/questionnaires/public_safety/2025/xlsform").data
    response = upload(client, "kobo.xlsx", workbook, instrument="public_safety", version="2027")
    draft_url = response.headers["Location"]
    page = client.get(f"{draft_url}?lang=ru").get_data(as_text=True)
    # An XLSForm has no title in Russian: the report says where and how to fix, in the interface language.
    # The checker's "title has no Russian text", in the interface language.
    assert "Отчёт проверки" in page and "строка 6" in page and "Нет текста на русском языке." in page
    assert client.get(f"{draft_url}/publish").status_code == 302  # nothing to publish while errors stand

    form = {
        "csrf_token": csrf_token(client, draft_url),
        "title_kk": "Қоғамдық қауіпсіздік",
        "title_ru": "Общественная безопасность",
        "title_en": "Public safety",
        "population": "adults",
        "design_variables": "region: item region\nsex: item sex\nstratum: invitation",
        "helplines": "102 | Полиция | Полиция | Police",
    }
    saved = client.post(f"{draft_url}/metadata", data=form)
    assert saved.status_code == 302
    assert "No problems found" in client.get(f"{draft_url}?lang=en").get_data(as_text=True)
    exported = client.get(f"{draft_url}/export.yaml").get_data(as_text=True)
    assert "Общественная безопасность" in exported and "stratum:" in exported and "phone: '102'" in exported

    bad = client.post(f"{draft_url}/metadata", data={**form, "design_variables": "region"})
    assert bad.status_code == 400 and "line 1" in bad.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "data", "fields", "message"),
    [
        ("broken.xlsx", b"\x00\x01 not a workbook", {"instrument": "x", "version": "1"}, "cannot be imported"),
        ("notes.docx", b"hello", {}, ".docx files cannot be read"),
        ("kobo.xlsx", b"PK", {"instrument": "Bad Code", "version": "1"}, "Instrument code"),
        ("q.yaml", b"\xff\xfe\x00bad", {}, "not UTF-8"),
        ("q.yaml", b"title: {en: x}\n", {}, "Instrument code"),
    ],
)
def test_bad_uploads_say_what_and_store_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, name: str, data: bytes, fields: dict[str, str], message: str
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    response = upload(client, name, data, **fields)
    assert response.status_code == 302 and response.headers["Location"].endswith("/research/questionnaires")
    page = client.get("/research/questionnaires").get_data(as_text=True)
    assert any(message in text for text in flashes(page)), flashes(page)
    assert drafts(app) == []


def test_yaml_with_errors_shows_line_and_fix_and_reupload_fixes_it(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    broken = yaml_2026().replace(b"population: adults", b"population: martians")
    draft_url = upload(client, "ps.yaml", broken).headers["Location"]
    page = client.get(draft_url).get_data(as_text=True)
    assert '<tr class="error">' in page and "martians" in page
    token = csrf_token(client, draft_url)
    again = client.post(
        f"{draft_url}/upload",
        data={"file": (io.BytesIO(yaml_2026()), "ps.yaml"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert again.status_code == 302
    assert "No problems found" in client.get(draft_url).get_data(as_text=True)
    # Another version's file cannot replace this draft's content.
    other = client.post(
        f"{draft_url}/upload",
        data={"file": (io.BytesIO(SOURCE_2025.read_bytes()), "ps.yaml"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert other.status_code == 302
    assert "not the version of this draft" in " ".join(flashes(client.get(draft_url).get_data(as_text=True)))
    unsure = client.post(f"{draft_url}/delete", data={"csrf_token": token})
    assert unsure.status_code == 302 and len(drafts(app)) == 1  # the box "delete this draft?" was not ticked
    deleted = client.post(f"{draft_url}/delete", data={"csrf_token": token, "sure": "y"})
    assert deleted.status_code == 302 and drafts(app) == []


def test_draft_pages_are_for_researchers_and_forms_need_csrf(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    draft_url = upload(client, "ps.yaml", yaml_2026()).headers["Location"]
    auth.logout()
    make_user(app, "ministry", "ministry")
    auth.login("ministry")
    for url in ("", "/preview", "/diff", "/publish", "/export.yaml"):
        assert client.get(f"{draft_url}{url}").status_code == 403, url
    token = csrf_token(client, "/")
    for url in ("/publish", "/delete", "/metadata"):
        assert client.post(f"{draft_url}{url}", data={"csrf_token": token}).status_code == 403, url
    assert client.get("/admin/users").status_code == 403
    auth.logout()
    assert client.get(draft_url).status_code == 302  # to the sign-in page
    auth.login("saule")
    assert client.post(f"{draft_url}/delete").status_code == 400  # no CSRF token
    assert client.post("/admin/users", data={"csrf_token": csrf_token(client, "/")}).status_code == 403
    assert len(drafts(app)) == 1


def test_admin_creates_a_user_who_sets_a_password_by_one_time_link_and_signs_in(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "root", "admin")
    auth.login("root")
    token = csrf_token(client, "/admin/users")
    page = client.post(
        "/admin/users", data={"csrf_token": token, "username": "aigerim", "role": "researcher", "password": ""}
    ).get_data(as_text=True)
    link = re.search(r'value="(http://localhost/auth/reset/[^"]+)"', page)
    assert link, page
    taken = client.post(
        "/admin/users", data={"csrf_token": token, "username": "AIGERIM", "role": "ministry", "password": ""}
    )
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)
    auth.logout()

    path = link.group(1).removeprefix("http://localhost")
    short = client.post(path, data={"csrf_token": csrf_token(client, path), "new_password": "x", "repeat": "x"})
    assert short.status_code == 400
    new = "a new long password"
    done = client.post(path, data={"csrf_token": csrf_token(client, path), "new_password": new, "repeat": new})
    assert done.status_code == 302
    assert client.get(path).status_code == 410  # used once, never again
    assert auth.login("aigerim", new).status_code == 302
    assert client.get("/research/questionnaires").status_code == 200
    events = actions(app)
    assert {"user_create", "user_reset_link", "user_password_reset"} <= set(events)


def test_admin_changes_role_deactivates_and_cannot_lock_out_themselves(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    root = make_user(app, "root", "admin")
    saule = make_user(app, "saule", "researcher")
    auth.login("root")
    token = csrf_token(client, "/admin/users?lang=kk")
    assert client.post(f"/admin/users/{saule}/role", data={"csrf_token": token, "role": "ministry"}).status_code == 302
    assert client.post(f"/admin/users/{saule}/active", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/admin/users/{root}/role", data={"csrf_token": token, "role": "ministry"}).status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert any("another admin" in text or "басқа" in text for text in flashes(page)), flashes(page)
    with app.app_context():
        assert db.session.get(User, root).role == "admin"
        account = db.session.get(User, saule)
        assert account.role == "ministry" and not account.active
    auth.logout()
    assert auth.login("saule").status_code == 401
    with app.app_context():
        details = db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "user_role"))
    assert details == {"from": "researcher", "to": "ministry"}
    assert "user_deactivate" in actions(app)


def test_everyone_changes_their_own_password(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "ministry", "ministry")
    auth.login("ministry")
    token = csrf_token(client, "/account/password")
    new = "another good password"
    wrong = client.post(
        "/account/password?lang=ru",
        data={"csrf_token": token, "current": "nope", "new_password": new, "repeat": new},
    )
    assert wrong.status_code == 400 and "Это не ваш текущий пароль" in wrong.get_data(as_text=True)
    differ = client.post(
        "/account/password", data={"csrf_token": token, "current": PASSWORD, "new_password": new, "repeat": new + "x"}
    )
    assert differ.status_code == 400
    ok = client.post(
        "/account/password", data={"csrf_token": token, "current": PASSWORD, "new_password": new, "repeat": new}
    )
    assert ok.status_code == 302
    auth.logout()
    assert auth.login("ministry", new).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "user_password")) == 1


def test_workbench_pages_in_kazakh_and_russian(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "root", "admin")
    auth.login("root")
    draft_url = upload(client, "ps.yaml", yaml_2026()).headers["Location"]
    for url, kk, ru in (
        ("/research/questionnaires", "Жаңа жоба", "Новый черновик"),
        (draft_url, "Тексеру есебі", "Отчёт проверки"),
        (f"{draft_url}/publish", "Осы нұсқаны жариялау", "Опубликовать эту версию"),
        ("/admin/users", "Жаңа есептік жазба", "Новая учётная запись"),
        ("/account/password", "Құпиясөзімді өзгерту", "Сменить мой пароль"),
    ):
        assert kk in client.get(f"{url}?lang=kk").get_data(as_text=True), url
        assert ru in client.get(f"{url}?lang=ru").get_data(as_text=True), url

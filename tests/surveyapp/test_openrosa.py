"""ODK Collect against /openrosa: XForms made by pyxform, submissions in the shape Collect sends them."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import threading
import uuid
import zlib
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree
from flask import Flask
from flask.testing import FlaskClient

from analysis.definition import catalogue_from_version
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Instrument, InterviewerAssignment, Role, StoredVersion, SurveyResponse
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.indicators import _breakdowns
from surveyapp.services.survey_frames import version_frame
from tests.conftest import PASSWORD, AuthActions, invoke, make_user
from tests.surveyapp.odk_validate import NO_JAVA, odk_problems
from tests.surveyapp.respond_helpers import publish_file, readme_example

HTTPS = "https://localhost"
XF = "{http://www.w3.org/2002/xforms}"
OR = "{http://openrosa.org/http/response}"


@pytest.fixture
def domain(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    return publish_file(app, readme_example(tmp_path))


@pytest.fixture
def interviewer(app: Flask, domain: QuestionnaireVersion) -> int:
    user_id = make_user(app, "field1", Role.INTERVIEWER)
    assert invoke(app, "users", "assign", "field1", domain.instrument)[0] == 0
    return user_id


def basic(username: str = "field1", password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def collect_xml(
    domain: QuestionnaireVersion, instance_id: str, shown: str | None = "kk", **overrides: str | None
) -> bytes:
    """A filled instance as ODK Collect serialises it: the form's root with id and version, no namespace on
    the fields, the hidden language select (empty: never relevant) and the calculated language ``shown``
    (left out with None: a form downloaded before the field existed), meta/instanceID last. ``overrides`` set
    a field (by code) or, with None, leave it empty."""
    values: dict[str, str | None] = {
        "consent_given": "OK",
        "age": "27",
        "region": "astana",
        "district": "esil",
        "safe_dark": "rather_safe",
        "victim_any": "yes",
        "victim_types": "theft other",
        "victim_other": "Телефонды тартып алды",
        "victims_count": "2",
        "young": "true",
        "thanks": None,
    } | overrides
    parts = [
        f'<?xml version=\'1.0\' ?><data id="{domain.instrument}" version="{domain.version}" '
        'xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">'
    ]
    parts.append(f"<consent_given>{values['consent_given'] or ''}</consent_given>")
    for section in domain.sections:
        parts.append(f"<{section.code}>")
        for item in section.items:
            value = values.get(item.code)
            parts.append(f"<{item.code}>{value}</{item.code}>" if value else f"<{item.code}/>")
        parts.append(f"</{section.code}>")
    if shown is not None:
        parts.append(f"<_language_choices/><_language>{shown}</_language>")
    parts.append(f"<meta><instanceID>{instance_id}</instanceID></meta></data>")
    return "".join(parts).encode("utf-8")


def submit(client: FlaskClient, xml: bytes, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        "/openrosa/submission",
        base_url=HTTPS,
        headers=headers if headers is not None else basic(),
        data={"xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml")},
        content_type="multipart/form-data",
    )


def message(response: Any) -> str:
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == f"{OR}OpenRosaResponse"
    return root.findtext(f"{OR}message") or ""


def responses(app: Flask) -> list[SurveyResponse]:
    with app.app_context():
        rows = list(db.session.query(SurveyResponse).order_by(SurveyResponse.id))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_basic_challenge_and_openrosa_headers(client: FlaskClient, interviewer: int) -> None:
    response = client.get("/openrosa/formList", base_url=HTTPS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="')
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert response.headers["Date"].endswith("GMT")
    wrong = client.get("/openrosa/formList", base_url=HTTPS, headers=basic(password="not-the-password"))
    assert wrong.status_code == 401
    head = client.head("/openrosa/submission", base_url=HTTPS, headers=basic())
    assert head.status_code == 204
    assert int(head.headers["X-OpenRosa-Accept-Content-Length"]) > 0


def test_plain_http_is_refused(client: FlaskClient, interviewer: int) -> None:
    response = client.get("/openrosa/formList", headers=basic())
    assert response.status_code == 403
    assert "HTTPS" in message(response)


def test_form_list_and_xform_made_by_pyxform(
    client: FlaskClient, domain: QuestionnaireVersion, interviewer: int
) -> None:
    listing = client.get("/openrosa/formList", base_url=HTTPS, headers=basic())
    assert listing.status_code == 200, listing.get_data(as_text=True)
    ns = "{http://openrosa.org/xforms/xformsList}"
    [entry] = ElementTree.fromstring(listing.get_data()).findall(f"{ns}xform")
    assert entry.findtext(f"{ns}formID") == "example"
    assert entry.findtext(f"{ns}version") == "2025"
    url = entry.findtext(f"{ns}downloadUrl") or ""
    assert url.endswith("/openrosa/forms/example/2025.xml")
    form = client.get(url.replace("https://localhost", ""), base_url=HTTPS, headers=basic())
    assert form.status_code == 200
    assert entry.findtext(f"{ns}hash") == "md5:" + hashlib.md5(form.get_data()).hexdigest()  # noqa: S324  # OpenRosa's hash
    xform = ElementTree.fromstring(form.get_data())
    data = xform.find(f".//{XF}instance/{XF}data")
    assert data is not None and data.get("id") == "example" and data.get("version") == "2025"
    assert [child.tag.removeprefix(XF) for child in data] == [
        "consent_given", "about_you", "safety", "_language_choices", "_language", "meta"
    ]
    # The form's active language, as the label of the one choice of a never-shown select (jr:choice-name).
    binds = {b.get("nodeset"): b for b in xform.iter(f"{XF}bind")}
    assert binds["/data/_language_choices"].get("relevant") == "false()"
    assert binds["/data/_language"].get("calculate") == "jr:choice-name('shown', ' /data/_language_choices ')"
    labels = {
        translation.get("lang"): value.text
        for translation in xform.iter(f"{XF}translation")
        for text in translation
        if text.get("id") == "_language_choices-0"
        for value in text
    }
    assert labels == {"Kazakh (kk)": "kk", "Russian (ru)": "ru", "English (en)": "en"}


@NO_JAVA
def test_the_served_xform_passes_odk_validate(
    client: FlaskClient, domain: QuestionnaireVersion, interviewer: int, tmp_path: Path
) -> None:
    """What Collect downloads is what ODK Validate (JavaRosa, Collect's parser) accepts."""
    form = client.get("/openrosa/forms/example/2025.xml", base_url=HTTPS, headers=basic())
    assert form.status_code == 200
    assert odk_problems({"example": form.get_data(as_text=True)}, tmp_path) == {}


def test_submission_is_stored_as_interviewer_response(
    app: Flask, client: FlaskClient, domain: QuestionnaireVersion, interviewer: int
) -> None:
    response = submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}"))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert "received" in message(response)
    [stored] = responses(app)
    assert stored.mode == "interviewer" and stored.interviewer_id == interviewer
    assert stored.status == "submitted" and stored.version_sha256 == domain.sha256
    assert stored.language == "kk"
    assert stored.answers["age"] == 27 and stored.answers["victim_types"] == ["theft", "other"]
    assert stored.answers["young"] is True  # recomputed here, not taken from the device
    assert "speeding" not in stored.quality_flags


def test_resend_returns_201_without_a_duplicate(
    app: Flask, client: FlaskClient, domain: QuestionnaireVersion, interviewer: int
) -> None:
    xml = collect_xml(domain, "uuid:4f1c2a9e-1111-4d7b-9b1e-0a0a0a0a0a0a")
    assert submit(client, xml).status_code == 201
    assert submit(client, xml).status_code == 201
    assert len(responses(app)) == 1
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="interviewer_submission").count() == 1


def test_concurrent_sends_of_one_instance_store_one(app: Flask, domain: QuestionnaireVersion, interviewer: int) -> None:
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("two writers at once need the real database (TEST_DATABASE_URL)")
    xml = collect_xml(domain, f"uuid:{uuid.uuid4()}")
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(submit(client, xml).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [201, 201]
    assert len(responses(app)) == 1


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"age": "12"}, "about_you/age"),
        ({"region": "atlantis"}, "about_you/region"),
        ({"safe_dark": None}, "safety/safe_dark"),
        ({"victims_count": "1"}, "safety/victims_count"),  # constraint: at least the number of types chosen
        ({"consent_given": None}, "consent"),
    ],
)
def test_answers_breaking_the_rules_are_refused(
    app: Flask,
    client: FlaskClient,
    domain: QuestionnaireVersion,
    interviewer: int,
    overrides: dict[str, str | None],
    expected: str,
) -> None:
    response = submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}", **overrides))
    assert response.status_code == 422
    assert expected in message(response)
    assert responses(app) == []


def test_wrong_version_or_unknown_field_is_refused(
    app: Flask, client: FlaskClient, domain: QuestionnaireVersion, interviewer: int
) -> None:
    xml = collect_xml(domain, f"uuid:{uuid.uuid4()}").replace(b'version="2025"', b'version="2019"')
    response = submit(client, xml)
    assert response.status_code == 422 and "2019" in message(response)
    extra = collect_xml(domain, f"uuid:{uuid.uuid4()}").replace(b"<age>", b"<income>5</income><age>")
    response = submit(client, extra)
    assert response.status_code == 422 and "about_you/income" in message(response)
    assert responses(app) == []


def test_entities_and_broken_xml_are_refused(app: Flask, client: FlaskClient, interviewer: int) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><data id="example" version="2025">&a;</data>'
    assert submit(client, bomb).status_code == 400
    assert submit(client, b"<data").status_code == 400
    response = client.post("/openrosa/submission", base_url=HTTPS, headers=basic(), data={})
    assert response.status_code == 400 and "xml_submission_file" in message(response)
    assert responses(app) == []


def test_role_rules(app: Flask, client: FlaskClient, domain: QuestionnaireVersion, interviewer: int) -> None:
    make_user(app, "res", Role.RESEARCHER)
    assert client.get("/openrosa/formList", base_url=HTTPS, headers=basic("res")).status_code == 403
    make_user(app, "field2", Role.INTERVIEWER)  # not assigned
    listing = client.get("/openrosa/formList", base_url=HTTPS, headers=basic("field2"))
    assert b"<formID>" not in listing.get_data()
    assert client.get("/openrosa/forms/example/2025.xml", base_url=HTTPS, headers=basic("field2")).status_code == 404
    refused = submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}"), basic("field2"))
    assert refused.status_code == 403
    assert responses(app) == []
    # An interviewer reads no responses or results, on the web or the API.
    AuthActions(client).login("field1")
    assert client.get("/api/v1/responses?instrument=example").status_code in (401, 403)
    assert client.get("/dashboard/").status_code in (302, 403)


def test_assign_unassign_list_and_qr(app: Flask, domain: QuestionnaireVersion, interviewer: int) -> None:
    code, output = invoke(app, "users", "list")
    assert "field1" in output and "assigned: example" in output
    code, output = invoke(app, "users", "odk-qr", "field1", "--server-url", "https://survey.example.kz/openrosa/")
    assert code == 0
    settings, encoded = output.strip().splitlines()[:2]
    assert zlib.decompress(base64.b64decode(encoded)).decode() == settings
    assert '"server_url": "https://survey.example.kz/openrosa"' in settings and "password" not in settings
    make_user(app, "res", Role.RESEARCHER)
    code, output = invoke(app, "users", "assign", "res", "example")
    assert code != 0 and "not an interviewer" in output
    code, output = invoke(app, "users", "assign", "field1", "nosuch")
    assert code != 0 and "No instrument" in output
    assert invoke(app, "users", "unassign", "field1", "example")[0] == 0
    with app.app_context():
        assert db.session.query(InterviewerAssignment).count() == 0
        assert db.session.query(Instrument).count() == 1


def test_fieldwork_page_counts_modes(
    app: Flask, client: FlaskClient, domain: QuestionnaireVersion, interviewer: int
) -> None:
    assert submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}")).status_code == 201
    make_user(app, "res", Role.RESEARCHER)
    AuthActions(client).login("res")
    page = client.get("/research/fieldwork/example/2025?lang=ru").get_data(as_text=True)
    assert "Отправлено по способу сбора" in page
    row = page[page.index("интервьюер (ODK Collect)") :][:40]
    assert "<td>1</td>" in row


def test_survey_frame_has_mode_and_breaks_down_by_it_when_both_are_used(
    app: Flask, client: FlaskClient, domain: QuestionnaireVersion, interviewer: int
) -> None:
    assert submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}")).status_code == 201
    year = dt.datetime.now(dt.UTC).year
    start, end = dt.datetime(year, 1, 1, tzinfo=dt.UTC), dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    with app.app_context():
        row = db.session.query(StoredVersion).one()
        catalogue = catalogue_from_version(domain)
        frame = version_frame(row, ["age"], catalogue, start, end)
        assert list(frame["mode"]) == ["interviewer"]
        assert "mode" not in _breakdowns(frame)  # one mode alone is the national figure again
        [collected] = db.session.query(SurveyResponse).all()
        db.session.add(
            SurveyResponse(
                version_id=row.id,
                version_sha256=row.sha256,
                language="ru",
                status="submitted",
                mode="web",
                answers=dict(collected.answers),
                submitted_at=dt.datetime.now(dt.UTC),
            )
        )
        db.session.commit()
        frame = version_frame(row, ["age"], catalogue, start, end)
        assert sorted(frame["mode"]) == ["interviewer", "web"]
        assert list(frame["age"].astype(int)) == [27, 27]
        assert "mode" in _breakdowns(frame)


@pytest.mark.parametrize(
    ("accept", "challenge", "wrong_password", "received"),
    [
        ("kk-KZ", "Интервьюердің пайдаланушы аты", "Пайдаланушы аты немесе құпиясөз қате", "Форма қабылданды. Рақмет."),
        ("ru-RU,ru;q=0.9", "Войдите под именем пользователя", "Неверное имя пользователя", "Форма получена. Спасибо."),
        ("de-DE", "Sign in with your interviewer", "Wrong username or password.", "The form was received. Thank you."),
        (None, "Sign in with your interviewer", "Wrong username or password.", "The form was received. Thank you."),
    ],
    ids=["kk", "ru", "other-is-english", "none-is-english"],
)
def test_messages_follow_the_devices_accept_language(
    client: FlaskClient,
    domain: QuestionnaireVersion,
    interviewer: int,
    accept: str | None,
    challenge: str,
    wrong_password: str,
    received: str,
) -> None:
    language = {"Accept-Language": accept} if accept else {}
    assert challenge in message(client.get("/openrosa/formList", base_url=HTTPS, headers=language))
    wrong = client.get("/openrosa/formList", base_url=HTTPS, headers=basic(password="nope") | language)
    assert wrong.status_code == 401 and wrong_password in message(wrong)
    assert message(submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}"), basic() | language)) == received


def test_refusals_are_in_kazakh_and_russian(
    app: Flask, client: FlaskClient, domain: QuestionnaireVersion, interviewer: int
) -> None:
    kk, ru = basic() | {"Accept-Language": "kk"}, basic() | {"Accept-Language": "ru"}
    unknown = collect_xml(domain, f"uuid:{uuid.uuid4()}").replace(b'version="2025"', b'version="2019"')
    assert message(submit(client, unknown, kk)) == "example формасының 2019 нұсқасы бұл серверде жарияланбаған."
    assert message(submit(client, unknown, ru)) == "Форма example версии 2019 не опубликована на этом сервере."
    closed = client.get("/openrosa/forms/example/2019.xml", base_url=HTTPS, headers=ru)
    assert closed.status_code == 404 and message(closed) == "Вам не назначена форма example версии 2019."
    extra = collect_xml(domain, f"uuid:{uuid.uuid4()}").replace(b"<age>", b"<income>5</income><age>")
    assert message(submit(client, extra, kk)) == "about_you/income өрісі бұл форманың 2025 нұсқасында жоқ."
    no_consent = collect_xml(domain, f"uuid:{uuid.uuid4()}", consent_given=None)
    assert message(submit(client, no_consent, ru)) == "Согласие не подтверждено: без него ничего не сохраняется."
    rules = submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}", age="12"), kk)
    assert message(rules).startswith("Жауаптар осы нұсқаның ережелеріне сай емес: about_you/age")
    assert "(" in message(submit(client, b"<data", ru)) and "некорректный XML" in message(submit(client, b"<data", ru))
    make_user(app, "res", Role.RESEARCHER)
    refused = client.get("/openrosa/formList", base_url=HTTPS, headers=basic("res") | {"Accept-Language": "kk"})
    assert message(refused) == "res — интервьюер тіркелгісі емес: әкімшіге хабарласыңыз."
    assert responses(app) == []


@pytest.mark.parametrize(
    ("shown", "language", "source"),
    [
        ("ru", "ru", "form"), ("kk", "kk", "form"),
        (None, "kk", "default"), ("de", "kk", "default"), ("", "kk", "default"),
    ],
    ids=["ru", "kk", "old-form", "not-a-version-language", "not-evaluated"],
)
def test_the_language_shown_on_the_device_is_stored(
    app: Flask,
    client: FlaskClient,
    domain: QuestionnaireVersion,
    interviewer: int,
    shown: str | None,
    language: str,
    source: str,
) -> None:
    # Accept-Language is the phone's interface language, not the form's: it never decides the stored one.
    headers = basic() | {"Accept-Language": "en"}
    response = submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}", shown=shown), headers)
    assert response.status_code == 201, message(response)
    [stored] = responses(app)
    assert stored.language == language
    assert stored.page_languages == {section.code: language for section in domain.sections}
    assert stored.paradata["language_source"] == source


def test_closed_fieldwork_leaves_the_form_list_but_still_takes_pending_submissions(
    app: Flask, client: FlaskClient, domain: QuestionnaireVersion, interviewer: int
) -> None:
    assert invoke(app, "questionnaires", "close-fieldwork", "example", "2025")[0] == 0
    listing = client.get("/openrosa/formList", base_url=HTTPS, headers=basic())
    ns = "{http://openrosa.org/xforms/xformsList}"
    assert ElementTree.fromstring(listing.get_data()).findall(f"{ns}xform") == []
    # Filled in on the tablet before the closing, sent afterwards: kept, not lost.
    response = submit(client, collect_xml(domain, f"uuid:{uuid.uuid4()}"))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(responses(app)) == 1

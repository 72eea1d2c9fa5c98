"""The whole OpenRosa path over real HTTP, as ODK Collect walks it: challenge, formList, the XForm (its md5 as
announced), HEAD then POST of an instance filled in from the downloaded XForm, a resend, and two sends of one
instance at the same moment (PostgreSQL: two writers at once)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Role
from tests.conftest import PASSWORD, invoke, make_user
from tests.surveyapp.openrosa_collect import CollectClient, fill, md5
from tests.surveyapp.respond_helpers import publish_file, readme_example
from tests.surveyapp.test_openrosa import responses

VALUES = {
    "consent_given": "OK",
    "age": "34",
    "region": "astana",
    "district": "esil",
    "safe_dark": "rather_safe",
    "victim_any": "yes",
    "victim_types": "theft",
    "victims_count": "1",
    "young": "false",
    "_language": "ru",  # what jr:choice-name gives once the interviewer chose Русский in the form's menu
}


@pytest.fixture
def server(app: Flask, tmp_path: Path) -> Iterator[str]:
    app.config["OPENROSA_ALLOW_HTTP"] = True  # a loopback trial: Collect itself is pointed at https in the field
    publish_file(app, readme_example(tmp_path))
    make_user(app, "field1", Role.INTERVIEWER)
    assert invoke(app, "users", "assign", "field1", "example")[0] == 0
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(timeout=10)


def test_collect_walks_the_whole_path_over_http(app: Flask, server: str) -> None:
    collect = CollectClient(server, "field1", PASSWORD, language="ru-RU")
    [form] = collect.form_list()
    assert (form.form_id, form.version) == ("example", "2025")
    assert md5(form.xml) == form.md5  # Collect re-downloads only when this changes
    assert form.url == f"{server}/openrosa/forms/example/2025.xml"
    instance = fill(form, VALUES, f"uuid:{uuid.uuid4()}")
    first = collect.submit(instance)
    assert first.status == 201, first.body
    assert first.message == "Форма получена. Спасибо."
    again = collect.submit(instance)  # Collect resends when it did not see the first answer
    assert again.status == 201 and again.message == first.message
    [response] = responses(app)
    assert response.mode == "interviewer" and response.status == "submitted"
    assert response.language == "ru" and response.paradata["language_source"] == "form"
    assert response.answers["age"] == 34 and response.answers["victim_types"] == ["theft"]
    assert "_language" not in response.answers and "_language_choices" not in response.answers
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="interviewer_submission").count() == 1
    refused = collect.submit(fill(form, VALUES | {"age": "12"}, f"uuid:{uuid.uuid4()}"))
    assert refused.status == 422 and refused.message.startswith("Ответы не соответствуют правилам этой версии")
    assert len(responses(app)) == 1
    wrong = CollectClient(server, "field1", "not-the-password", language="kk-KZ")
    answer = wrong.authenticated("GET", f"{server}/openrosa/formList")
    assert answer.status == 401 and answer.message == "Пайдаланушы аты немесе құпиясөз қате."


def test_two_sends_of_one_instance_at_once_store_one(app: Flask, server: str) -> None:
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("two writers at once need the real database (TEST_DATABASE_URL)")
    collect = CollectClient(server, "field1", PASSWORD)
    [form] = collect.form_list()
    for _round in range(3):
        instance = fill(form, VALUES, f"uuid:{uuid.uuid4()}")
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def send(
            instance: bytes = instance, barrier: threading.Barrier = barrier, statuses: list[int] = statuses
        ) -> None:
            client = CollectClient(server, "field1", PASSWORD)
            barrier.wait()
            statuses.append(client.submit(instance).status)

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert statuses == [201, 201]
    assert len(responses(app)) == 3
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="interviewer_submission").count() == 3

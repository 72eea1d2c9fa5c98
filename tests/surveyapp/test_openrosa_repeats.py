"""A household roster (a repeat group) through ODK Collect: the served XForm has the repeat, a submission with
one element per member is stored as the web stores a roster, and a roster that breaks its count is refused."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from defusedxml import ElementTree
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.models import Role
from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.conftest import invoke, make_user
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, publish_file
from tests.surveyapp.test_openrosa import HTTPS, XF, basic, message, responses, submit

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "repeats" / "household.yaml"


@pytest.fixture
def household(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    (root / "household").mkdir()
    path = root / "household" / "2025.yaml"
    shutil.copy(FIXTURE, path)
    domain = publish_file(app, path)
    make_user(app, "field1", Role.INTERVIEWER)
    assert invoke(app, "users", "assign", "field1", "household")[0] == 0
    return domain


def roster_xml(size: int, members: list[dict[str, str]], instance_id: str) -> bytes:
    """What Collect sends: the repeat's element once per member, in order (no template copy)."""
    parts = ['<?xml version=\'1.0\' ?><data id="household" version="2025">', "<consent_given>OK</consent_given>"]
    parts.append(f"<household><household_size>{size}</household_size></household>")
    for member in members:
        fields = "".join(f"<{code}>{value}</{code}>" if value else f"<{code}/>" for code, value in member.items())
        parts.append(f"<members>{fields}<member_number/></members>")
    parts.append("<summary><adults_total/><comment>Екі адам</comment></summary>")
    parts.append(f"<_language_choices/><_language>ru</_language><meta><instanceID>{instance_id}</instanceID></meta>")
    return ("".join(parts) + "</data>").encode("utf-8")


def test_the_served_xform_of_a_roster_has_its_repeat(client: FlaskClient, household: QuestionnaireVersion) -> None:
    form = client.get("/openrosa/forms/household/2025.xml", base_url=HTTPS, headers=basic())
    assert form.status_code == 200, form.get_data(as_text=True)
    xform = ElementTree.fromstring(form.get_data())
    repeat = next(xform.iter(f"{XF}repeat"))
    assert repeat.get("nodeset") == "/data/members"
    # The number of members is the answer asked before the roster, as on the web.
    assert repeat.get("{http://openrosa.org/javarosa}count", "").strip() == "/data/household/household_size"


def test_a_roster_from_collect_is_stored_as_the_web_stores_it(
    app: Flask, client: FlaskClient, household: QuestionnaireVersion
) -> None:
    members = [{"member_age": "34", "member_victim": "yes"}, {"member_age": "9", "member_victim": ""}]
    sent = submit(client, roster_xml(2, members, f"uuid:{uuid.uuid4()}"))
    assert sent.status_code == 201, sent.get_data(as_text=True)
    [stored] = responses(app)
    assert stored.language == "ru" and stored.status == "submitted"
    assert stored.answers["household_size"] == 2
    assert stored.answers["members"] == [
        {"member_age": 34, "member_victim": "yes", "member_number": 1},
        {"member_age": 9, "member_number": 2},  # under 14: the follow-up is not asked, as on the web
    ]
    assert stored.answers["adults_total"] == 43  # recomputed here over the instances, not taken from the device


@pytest.mark.parametrize(
    ("size", "members", "said"),
    [
        (3, [{"member_age": "34", "member_victim": "no"}, {"member_age": "40", "member_victim": "no"}], "members.3"),
        (1, [{"member_age": "34", "member_victim": ""}], "members.1.member_victim"),
        (1, [{"member_age": "200", "member_victim": "no"}], "members.1.member_age"),
    ],
)
def test_a_roster_that_breaks_its_rules_is_refused_and_nothing_stored(
    app: Flask, client: FlaskClient, household: QuestionnaireVersion, size: int, members: list, said: str
) -> None:
    sent = submit(client, roster_xml(size, members, f"uuid:{uuid.uuid4()}"))
    assert sent.status_code == 422
    assert said in message(sent)
    assert responses(app) == []

"""Quotas per region set by the sample file: read with every faulty row named, stored when the invitations are
created (web and CLI alike), and shown on the fieldwork page as quota, submitted and the share reached."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import RegionQuota, StoredVersion, SurveyResponse
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.invitations import SampleError
from surveyapp.services.quotas import quotas_in_sample
from tests.conftest import AuthActions, csrf_token, make_user
from tests.surveyapp.test_invitations import create, example, write_sample  # noqa: F401  (the fixture)

PAGE = "/research/fieldwork/example/2025/invitations"
FIELDWORK = "/research/fieldwork/example/2025"
REGIONS = {"astana", "almaty", "abai"}


def test_quota_column_format_and_errors_by_row() -> None:
    path = Path("s.csv")
    rows = [
        {"region": "astana", "quota": "40", "stratum": "a"},
        {"region": "astana", "quota": "", "stratum": "a"},
        {"region": "almaty", "quota": "25", "stratum": "b"},
        {"region": "almaty", "quota": "25", "stratum": "b"},
    ]
    assert quotas_in_sample(path, rows, REGIONS) == {"almaty": 25, "astana": 40}
    assert quotas_in_sample(path, [{"region": "abai", "quota": "12.0"}], REGIONS) == {"abai": 12}
    assert quotas_in_sample(path, [{"stratum": "a"}], REGIONS) == {}  # no quota column: no quotas
    bad = [
        {"region": "astana", "quota": "40"},
        {"region": "astana", "quota": "50"},
        {"region": "mars", "quota": "5"},
        {"region": "abai", "quota": "-3"},
        {"region": "", "quota": "7"},
    ]
    with pytest.raises(SampleError) as error:
        quotas_in_sample(path, bad, REGIONS)
    lines = str(error.value).splitlines()
    assert lines == [
        "s.csv:3: quota 50 for astana, but 40 on line 2; give one quota a region",
        "s.csv:4: unknown region 'mars'; use the codes of questionnaires/_lists/regions.yaml",
        "s.csv:5: quota '-3' is not a positive whole number",
        "s.csv:6: quota '7' without a region",
    ]
    with pytest.raises(SampleError, match="a quota column needs a region column"):
        quotas_in_sample(path, [{"quota": "3"}], REGIONS)


def _post(client: FlaskClient, data: bytes, create: bool = False) -> str:
    token = csrf_token(client, PAGE)
    response = client.post(
        PAGE + "?lang=ru",
        data={"csrf_token": token, "file": (io.BytesIO(data), "sample.csv"), **({"create": "y"} if create else {})},
        content_type="multipart/form-data",
    )
    return response.get_data(as_text=True)


def test_sample_quotas_shown_in_the_preview_stored_on_create_and_on_the_fieldwork_page(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    example: QuestionnaireVersion,  # noqa: F811
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    sample = b"person,stratum,region,quota\nA-1,s1,astana,4\nA-2,s1,astana,\nA-3,s2,almaty,2\n"
    preview = _post(client, sample)
    assert 'data-table="quotas"' in preview and "Квоты по регионам" in preview
    with app.app_context():
        assert db.session.query(RegionQuota).count() == 0  # a preview stores nothing
    links = _post(client, sample, create=True)
    assert links.startswith("person,stratum,region,quota,link")
    with app.app_context():
        version = db.session.query(StoredVersion).filter_by(sha256=example.sha256).one()
        version_id = version.id
        stored = {q.region: q.quota for q in db.session.query(RegionQuota).filter_by(version_id=version_id)}
        assert stored == {"astana": 4, "almaty": 2}
        for region in ["astana", "astana", "almaty", "almaty", "almaty", "abai"]:
            db.session.add(
                SurveyResponse(
                    version_id=version.id,
                    version_sha256=version.sha256,
                    language="ru",
                    status="submitted",
                    design={"region": region},
                    submitted_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
                )
            )
        db.session.commit()
    page = client.get(FIELDWORK + "?lang=ru").get_data(as_text=True)
    cells = {
        code: re.findall(r"<td[^>]*>(.*?)</td>", row)
        for code, row in re.findall(r'<tr data-region="(\w+)">(.*?)</tr>', page)
    }
    # region name, submitted, quota, share reached (no invitation region: the sample's region is not a design
    # variable taken from the invitation here, the questionnaire asks it).
    assert cells["astana"][1:] == ["2", "4", "50 %"]
    assert cells["almaty"][1:] == ["3", "2", "150 %"]
    assert cells["abai"][1:] == ["1", "—", "—"]
    assert "Квота" in page and "Квота выполнена" in page
    assert page.count('data-kind="quota"') == 2 and 'data-region="astana" data-kind="quota" data-value="4"' in page

    # A later sample replaces a region's quota and keeps the others.
    _post(client, b"person,stratum,region,quota\nB-1,s1,astana,6\n", create=True)
    with app.app_context():
        stored = {q.region: q.quota for q in db.session.query(RegionQuota).filter_by(version_id=version_id)}
        assert stored == {"astana": 6, "almaty": 2}


def test_cli_sets_the_same_quotas(app: Flask, tmp_path: Path, example: QuestionnaireVersion) -> None:  # noqa: F811
    sample = write_sample(
        tmp_path / "sample.csv",
        [{"person": "A", "stratum": "s", "region": "abai", "quota": "9"}],
    )
    code, output = create(app, sample, tmp_path / "links.csv")
    assert code == 0, output
    with app.app_context():
        assert [(q.region, q.quota) for q in db.session.query(RegionQuota)] == [("abai", 9)]
    bad = write_sample(tmp_path / "bad.csv", [{"person": "A", "stratum": "s", "region": "abai", "quota": "x"}])
    code, output = create(app, bad, tmp_path / "links2.csv")
    assert code != 0 and "bad.csv:2: quota 'x' is not a positive whole number" in output

"""`flask questionnaires` and the researchers' questionnaire pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, StoredVersion
from tests.conftest import AuthActions, invoke, make_user
from tests.surveyapp.respond_helpers import QUESTIONNAIRES


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES, root)
    return root


def test_validate_every_shipped_file(app: Flask) -> None:
    code, out = invoke(app, "questionnaires", "validate")
    assert code == 0, out
    assert "0 error(s)" in out


def test_validate_reports_file_line_and_item(app: Flask, tree: Path) -> None:
    path = tree / "public_safety" / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: scale", "type: scael", 1), encoding="utf-8")
    code, out = invoke(app, "questionnaires", "validate", str(path))
    assert code == 1
    line = next(line for line in out.splitlines() if "scael" in line)
    assert "2024.yaml:" in line and "unknown type 'scael'" in line and "did you mean 'scale'" in line
    assert "Traceback" not in out


def test_publish_is_idempotent_and_audited(app: Flask) -> None:
    path = str(QUESTIONNAIRES / "public_safety" / "2024.yaml")
    code, first = invoke(app, "questionnaires", "publish", path)
    assert code == 0 and "public_safety 2024: published" in first
    code, again = invoke(app, "questionnaires", "publish", path)
    assert code == 0 and "already published, unchanged" in again
    with app.app_context():
        assert db.session.query(StoredVersion).count() == 1
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "publish")).all()
        assert event.object_id == "public_safety/2024"


def test_changed_published_version_is_refused(app: Flask, tree: Path) -> None:
    path = tree / "public_safety" / "2024.yaml"
    assert invoke(app, "questionnaires", "publish", str(path))[0] == 0
    with app.app_context():
        stored = db.session.scalar(select(StoredVersion.content))
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("estimated_minutes: 15", "estimated_minutes: 16", 1)
        if "estimated_minutes: 15" in text
        else text.replace("estimated_minutes:", "estimated_minutes: 1 #", 1),
        encoding="utf-8",
    )
    code, out = invoke(app, "questionnaires", "publish", str(path))
    assert code != 0
    assert "immutable" in out and "new version" in out and "Nothing was published" in out
    with app.app_context():
        assert db.session.scalar(select(StoredVersion.content)) == stored


def test_diff_between_shipped_versions(app: Flask) -> None:
    code, out = invoke(app, "questionnaires", "diff", "public_safety", "2024", "2025")
    assert code == 0, out
    assert "Items added" in out and "Items removed" in out and "replaced" in out


def test_diff_unknown_version_is_clear(app: Flask) -> None:
    code, out = invoke(app, "questionnaires", "diff", "public_safety", "2024", "2031")
    assert code != 0 and "public_safety 2031: neither published nor a file" in out


def test_list_shows_published_and_files(app: Flask) -> None:
    invoke(app, "questionnaires", "publish", str(QUESTIONNAIRES / "parents" / "2024.yaml"))
    code, out = invoke(app, "questionnaires", "list")
    assert code == 0
    assert any(line.startswith("parents") and "published" in line for line in out.splitlines())
    assert "file only (not published)" in out


def test_researcher_pages(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    invoke(app, "questionnaires", "publish", str(QUESTIONNAIRES / "child_protection" / "2024.yaml"))
    make_user(app, "saule", "researcher")
    auth.login("saule")
    listing = client.get("/research/questionnaires?lang=en").get_data(as_text=True)
    assert "child_protection" in listing and "draft: not published" in listing
    preview = client.get("/research/questionnaires/child_protection/2024").get_data(as_text=True)
    assert 'lang="kk"' in preview and 'lang="ru"' in preview and "Сәлем!" in preview and "Привет!" in preview
    assert "shown if" in preview  # skip rules are visible to the translator
    draft = client.get("/research/questionnaires/child_protection/2025")
    assert draft.status_code == 200 and "draft: not published" in draft.get_data(as_text=True)
    diff = client.get("/research/questionnaires/child_protection/diff?from=2024&to=2025")
    assert diff.status_code == 200 and "bullied_school_freq" in diff.get_data(as_text=True)
    assert client.get("/research/questionnaires/child_protection/2099").status_code == 404
    assert "/research/questionnaires/child_protection/2024/xlsform" in preview
    download = client.get("/research/questionnaires/child_protection/2024/xlsform")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "child_protection_2024.xlsx" in download.headers["Content-Disposition"]
    from pyxform.xls2xform import convert

    assert "Сәлем!" in convert(download.data, file_type=".xlsx").xform


def test_ministry_cannot_see_questionnaire_pages(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "dana", "ministry")
    auth.login("dana")
    assert client.get("/research/questionnaires").status_code == 403
    assert client.get("/research/questionnaires/child_protection/2024/xlsform").status_code == 403


def test_xlsform_export_then_import(app: Flask, tmp_path: Path) -> None:
    assert invoke(app, "questionnaires", "publish", str(QUESTIONNAIRES / "public_safety" / "2025.yaml"))[0] == 0
    workbook = tmp_path / "public_safety_2025.xlsx"
    code, out = invoke(app, "questionnaires", "export-xlsform", "public_safety", "2025", "--out", str(workbook))
    assert code == 0, out
    assert f"Wrote {workbook}:" in out and "survey rows" in out
    assert "Not in the workbook (XLSForm has no place for it): design variables from the invitation" in out
    from pyxform.xls2xform import convert

    assert "<h:html" in convert(str(workbook)).xform

    draft = tmp_path / "drafts" / "public_safety_copy" / "2026.yaml"
    args = ["questionnaires", "import-xlsform", str(workbook), "--instrument", "public_safety_copy", "--version",
            "2026", "--out", str(draft)]  # fmt: skip
    code, out = invoke(app, *args)
    # Written as a draft: the title in Russian is what XLSForm could not carry, and validation says so.
    assert code == 1 and draft.exists()
    assert "title has no Russian (ru) text" in out and "as a draft: 1 error(s)" in out
    assert "Traceback" not in out
    code, out = invoke(app, *args)
    assert code == 1 and "exists; give --out another path, or --force" in out
    assert invoke(app, *args, "--force")[0] == 1  # overwritten, still the same one error to fix


def test_xlsform_import_refuses_bad_input_without_writing(app: Flask, tmp_path: Path) -> None:
    not_a_workbook = tmp_path / "form.xlsx"
    not_a_workbook.write_text("hello", encoding="utf-8")
    out_path = tmp_path / "x" / "1.yaml"
    code, out = invoke(app, "questionnaires", "import-xlsform", str(not_a_workbook), "--instrument", "x",
                       "--version", "1", "--out", str(out_path))  # fmt: skip
    assert code == 1 and "not a readable .xlsx workbook" in out and not out_path.exists()
    code, out = invoke(app, "questionnaires", "import-xlsform", str(not_a_workbook), "--instrument", "../etc",
                       "--version", "1")  # fmt: skip
    assert code == 1 and "is not a snake_case code" in out
    code, out = invoke(app, "questionnaires", "export-xlsform", "public_safety", "1999", "--out", str(tmp_path / "a"))
    assert code == 1 and "neither published nor a file" in out

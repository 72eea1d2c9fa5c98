"""`flask responses export`: every format read back (pyreadstat, pandas, pyarrow) against the stored run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, ComputationRun, IndicatorResult, ResponseStatus, SurveyResponse
from surveyapp.services.exports.table import pseudonym
from surveyapp.services.jobs import wait_for_local_jobs
from surveyapp.services.run_weights import run_weights
from surveyapp.services.versions import domain_of, published
from tests.conftest import AuthActions, csrf_token, invoke, make_user

PROGRAMME = "public_safety_2024_2028"
SAFE = "safe_alone_area"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One demo, one run, every format, on SQLite (module-wide: the demo is the slow part)."""
    from surveyapp import create_app

    tmp = tmp_path_factory.mktemp("exports")
    app = create_app(
        {
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'db.sqlite3'}",
            "DEMO_LOGINS_FILE": str(tmp / "logins.txt"),
            "DEMO_DIR": str(tmp / "demo"),
            "REPORTS_DIR": str(tmp / "reports"),
            "EXPORTS_DIR": str(tmp / "exports"),
            "QUESTIONNAIRES_DIR": str(Path(__file__).resolve().parents[2] / "questionnaires"),
        }
    )
    with app.app_context():
        db.create_all()
    assert invoke(app, "demo", "init", "--adults", "500", "--pupils", "200")[0] == 0
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    files: dict[str, Path] = {}
    for fmt in ("csv", "xlsx", "sav", "dta", "parquet"):
        files[fmt] = tmp / f"ps.{fmt}"
        code, out = invoke(
            app,
            "responses",
            "export",
            "--instrument",
            "public_safety",
            "--year",
            "2025",
            "--format",
            fmt,
            "--lang",
            "kk",
            "--out",
            str(files[fmt]),
        )
        assert code == 0, out
    with app.app_context():
        run_id = db.session.scalar(select(func.max(ComputationRun.id)))
        weights = run_weights(run_id)
        submitted = db.session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .join(SurveyResponse.version)
            .where(
                SurveyResponse.status == ResponseStatus.SUBMITTED.value,
                SurveyResponse.submitted_at >= pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime(),
                SurveyResponse.submitted_at < pd.Timestamp("2026-01-01", tz="UTC").to_pydatetime(),
                SurveyResponse.version_id == published("public_safety", "2025").id,
            )
        )
        a5 = db.session.scalar(
            select(IndicatorResult.estimate).where(
                IndicatorResult.run_id == run_id, IndicatorResult.indicator == "A5", IndicatorResult.breakdown == ""
            )
        )
        domain = domain_of(published("public_safety", "2025"))
        by_pseudonym = {pseudonym(i, "test-secret"): w for i, w in weights.items()}
        audits = db.session.scalar(select(func.count()).where(AuditEvent.action == "responses_export"))
    return {
        "app": app,
        "files": files,
        "submitted": submitted,
        "a5": a5,
        "domain": domain,
        "weights": by_pseudonym,
        "audits": audits,
    }


def _a5(codes: pd.Series, weight: pd.Series, safe: set[object], valid: set[object]) -> float:
    w = weight.to_numpy(dtype=float)
    return 100 * w[codes.isin(safe).to_numpy()].sum() / w[codes.isin(valid).to_numpy()].sum()


def test_csv_rows_weights_and_the_stored_estimate(exported: dict) -> None:
    frame = pd.read_csv(exported["files"]["csv"], encoding="utf-8-sig", dtype={"response_id": str})
    assert len(frame) == exported["submitted"]
    used = frame[frame["in_run"] == 1]
    assert dict(zip(used["response_id"], used["final_weight"], strict=True)) == pytest.approx(
        {k: v for k, v in exported["weights"].items() if k in set(used["response_id"])}
    )
    estimate = _a5(
        used[SAFE],
        used["final_weight"],
        {"very_safe", "rather_safe"},
        {"very_safe", "rather_safe", "rather_unsafe", "very_unsafe"},
    )
    assert estimate == pytest.approx(exported["a5"], rel=1e-9)
    codebook = pd.read_csv(Path(str(exported["files"]["csv"]) + ".codebook.csv"), encoding="utf-8-sig")
    row = codebook[(codebook["variable"] == SAFE) & codebook["code"].isna()].iloc[0]
    assert row["label_kk"] == exported["domain"].item(SAFE).label.kk and "ң" in row["label_kk"]
    assert set(codebook.loc[codebook["variable"] == SAFE, "code"].dropna()) >= {"very_safe", "dont_know", "refuse"}
    assert exported["audits"] == 5


def test_spss_labels_user_missing_and_weights(exported: dict) -> None:
    frame, meta = pyreadstat.read_sav(str(exported["files"]["sav"]), user_missing=True)
    item = exported["domain"].item(SAFE)
    assert len(frame) == exported["submitted"]
    assert meta.column_names_to_labels[SAFE] == item.label.kk  # Kazakh letters intact
    labels = meta.variable_value_labels[SAFE]
    assert (
        labels[4.0] == item.choices.get("very_safe").label.kk and labels[-1.0] == item.choices.get("dont_know").label.kk
    )
    assert meta.missing_ranges[SAFE] == [{"lo": -2.0, "hi": -2.0}, {"lo": -1.0, "hi": -1.0}] or sorted(
        r["lo"] for r in meta.missing_ranges[SAFE]
    ) == [-2.0, -1.0]
    assert set(frame[SAFE].dropna()) <= {1.0, 2.0, 3.0, 4.0, -1.0, -2.0} and (frame[SAFE] < 0).any()
    used = frame[frame["in_run"] == 1]
    assert _a5(used[SAFE], used["final_weight"], {3.0, 4.0}, {1.0, 2.0, 3.0, 4.0}) == pytest.approx(
        exported["a5"], rel=1e-9
    )
    # Read without user_missing, the special answers are missing.
    plain, _ = pyreadstat.read_sav(str(exported["files"]["sav"]))
    assert not (plain[SAFE] < 0).any()
    # The platform's own columns are labelled in the export's language too, not only the items.
    assert meta.column_names_to_labels["final_weight"] == "Есептеудің соңғы калибрленген салмағы"
    assert meta.column_names_to_labels["stratum"] == "Дизайн: stratum"
    english = [n for n, label in meta.column_names_to_labels.items() if label and label.isascii() and " " in label]
    assert english == [], f"English labels in a Kazakh export: {english}"


def test_stata_integer_labels_and_extended_missing(exported: dict) -> None:
    frame, meta = pyreadstat.read_dta(str(exported["files"]["dta"]), user_missing=True)
    item = exported["domain"].item(SAFE)
    assert len(frame) == exported["submitted"]
    assert meta.column_names_to_labels[SAFE] == item.label.kk[:80]
    labels = meta.variable_value_labels[SAFE]
    assert labels[4] == item.choices.get("very_safe").label.kk and labels["a"] == item.choices.get("dont_know").label.kk
    values = set(frame[SAFE].dropna())
    assert "a" in values and values <= {1, 2, 3, 4, "a", "b"}
    assert meta.missing_user_values[SAFE] == ["a", "b"]
    used = frame[frame["in_run"] == 1]
    assert _a5(used[SAFE], used["final_weight"], {3, 4}, {1, 2, 3, 4}) == pytest.approx(exported["a5"], rel=1e-9)


def test_parquet_and_xlsx(exported: dict) -> None:
    table = pq.read_table(exported["files"]["parquet"])
    assert table.num_rows == exported["submitted"]
    assert table.schema.field(SAFE).metadata[b"label"].decode() == exported["domain"].item(SAFE).label.kk
    frame = table.to_pandas()
    multi = [c for c in frame.columns if c.startswith("local_problems_")]
    assert multi and set(np.unique(frame[multi].to_numpy()[~np.isnan(frame[multi].to_numpy())])) <= {0.0, 1.0}
    book = pd.read_excel(exported["files"]["xlsx"], sheet_name=None)
    assert len(book["data"]) == exported["submitted"] and "codebook" in book
    assert list(book["data"].columns) == list(frame.columns)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--instrument", "nope", "--year", "2025"], "unknown instrument 'nope'"),
        (["--instrument", "public_safety", "--year", "2025", "--version", "1999"], "no published version '1999'"),
        (["--instrument", "public_safety", "--year", "2019"], "no submitted responses to public_safety in 2019"),
        (["--instrument", "public_safety", "--year", "2025", "--run", "999"], "no computation run 999 for 2025"),
    ],
)
def test_bad_requests_write_nothing(app: Flask, tmp_path: Path, args: list[str], message: str) -> None:
    assert invoke(app, "demo", "init", "--adults", "100", "--pupils", "50")[0] == 0
    out = tmp_path / "x.csv"
    code, output = invoke(app, "responses", "export", *args, "--format", "csv", "--out", str(out))
    assert code != 0 and message in output and "Nothing was written" in output and "Traceback" not in output
    assert list(tmp_path.glob("x.csv*")) == [] and not list(tmp_path.glob(".x.csv*"))


def test_versions_are_harmonised_by_item_code(app: Flask, tmp_path: Path) -> None:
    assert invoke(app, "demo", "init", "--adults", "150", "--pupils", "50")[0] == 0
    with app.app_context():
        old = published("public_safety", "2024").id
        late = db.session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.version_id == old, SurveyResponse.status == ResponseStatus.SUBMITTED.value)
            .limit(20)
        ).all()
        for response in late:  # answered the 2024 questionnaire in the first days of 2025
            response.submitted_at = pd.Timestamp("2025-01-03", tz="UTC").to_pydatetime()
        db.session.commit()
    app.config["EXPORT_FREE_TEXT"] = False
    out = tmp_path / "both.parquet"
    code, output = invoke(
        app,
        "responses",
        "export",
        "--instrument",
        "public_safety",
        "--year",
        "2025",
        "--format",
        "parquet",
        "--lang",
        "ru",
        "--out",
        str(out),
    )
    assert code == 0, output
    frame = pq.read_table(out).to_pandas()
    old_rows, new_rows = frame[frame["version"] == "2024"], frame[frame["version"] == "2025"]
    assert len(old_rows) == 20 and len(new_rows) > 100
    assert old_rows["police_effect"].notna().any()
    assert new_rows["police_effect"].isna().all()  # not asked in 2025: empty, not zero
    assert old_rows["fraud_attempt"].isna().all() and new_rows["fraud_attempt"].notna().any()
    assert old_rows[SAFE].notna().all() and new_rows[SAFE].notna().all()  # the same item in both
    assert "local_proposal" not in frame.columns  # free text left out by the setting
    # The demo's run weighted the 2025 answers only: the moved ones are in the file, outside the run.
    assert (old_rows["in_run"] == 0).all() and old_rows["final_weight"].isna().all()
    assert new_rows["final_weight"].notna().any()


def test_researchers_download_and_others_are_refused(app: Flask, client: FlaskClient, auth: AuthActions) -> None:

    assert invoke(app, "demo", "init", "--adults", "100", "--pupils", "50")[0] == 0
    make_user(app, "minister_x", "ministry")
    auth.login("minister_x")
    assert client.get("/research/exports").status_code == 403
    auth.logout()
    make_user(app, "reader_x", "researcher")
    auth.login("reader_x")
    page = client.get("/research/exports").get_data(as_text=True)
    assert "public_safety/2025" in page
    token = csrf_token(client, "/research/exports")
    response = client.post(
        "/research/exports",
        data={"selection": "public_safety/2025", "file_format": "sav", "language": "kk", "csrf_token": token},
    )
    # The export is a background job (services/export_job.py); its page links the stored file.
    assert response.status_code == 302
    job_page = response.headers["Location"]
    assert wait_for_local_jobs(timeout=120)
    response = client.get(job_page + "/file")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    path = Path(app.config["REPORTS_DIR"]).parent / "download.sav"
    path.write_bytes(response.get_data())
    response.close()
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert len(frame) > 50 and "ң" in meta.column_names_to_labels[SAFE]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "responses_export")).one()
        assert event.actor == "reader_x" and event.details["format"] == "sav"

"""An excluded response leaves the computation: the next run's responses, their hash in the provenance and the
stored weights do without it, the count of researcher exclusions is recorded, and the export marks it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from flask import Flask
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ComputationRun
from surveyapp.services.exports.table import pseudonym
from surveyapp.services.run_weights import run_weights
from tests.conftest import invoke

PROGRAMME = "public_safety_2024_2028"


def _latest(app: Flask) -> tuple[int, dict, pd.Series]:
    with app.app_context():
        run = db.session.scalars(select(ComputationRun).order_by(ComputationRun.id.desc()).limit(1)).one()
        return run.id, run.provenance, run_weights(run.id)


def test_exclusion_changes_the_next_run_and_its_provenance(app: Flask, tmp_path: Path) -> None:
    assert invoke(app, "demo", "init", "--adults", "120", "--pupils", "40")[0] == 0
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    first_id, first, weights = _latest(app)
    population = next(iter(first["populations"]))
    before = first["populations"][population]
    victim = int(weights.index[0])
    code, out = invoke(app, "responses", "exclude", str(victim), "--reason", "test interview by the team")
    assert code == 0, out
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    second_id, second, weights_after = _latest(app)
    after = second["populations"][population]
    assert second_id != first_id
    assert after["responses"] == before["responses"] - 1
    assert after["responses_sha256"] != before["responses_sha256"]
    assert after["excluded"]["researcher"] == 1 and before["excluded"]["researcher"] == 0
    assert victim not in weights_after.index and len(weights_after) == len(weights) - 1

    out_file = tmp_path / "ps.csv"
    code, out = invoke(
        app, "responses", "export", "--instrument", "public_safety", "--year", "2025",
        "--format", "csv", "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, out
    frame = pd.read_csv(out_file, encoding="utf-8-sig")
    marked = frame[frame["excluded"] == 1]
    assert list(marked["response_id"]) == [pseudonym(victim, app.config["SECRET_KEY"])]
    assert list(marked["exclusion_reason"]) == ["test interview by the team"]
    assert (marked["in_run"] == 0).all() and (frame.loc[frame["excluded"] == 0, "excluded"] == 0).all()

    assert invoke(app, "responses", "include", str(victim))[0] == 0
    assert invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")[0] == 0
    third_id, third, _w = _latest(app)
    assert third_id > second_id
    assert third["populations"][population]["responses_sha256"] == before["responses_sha256"]

"""Each computation run keeps the final weight of every response it used: the run's figures can be rebuilt
from the stored weights alone."""

from __future__ import annotations

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ComputationRun, IndicatorResult, MarginSet, SurveyResponse
from surveyapp.services.margins import raking_margins
from surveyapp.services.run_weights import run_weights
from tests.conftest import invoke

PROGRAMME = "public_safety_2024_2028"


@pytest.fixture
def computed(app: Flask) -> tuple[Flask, int]:
    code, out = invoke(app, "demo", "init", "--adults", "600", "--pupils", "300")
    assert code == 0, out
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    with app.app_context():
        return app, db.session.scalar(select(ComputationRun.id).order_by(ComputationRun.id.desc()))


def test_the_stored_weights_rebuild_the_stored_estimate(computed: tuple[Flask, int]) -> None:
    app, run_id = computed
    with app.app_context():
        run = db.session.get(ComputationRun, run_id)
        weights = run_weights(run_id)
        adults = run.provenance["populations"]["adults"]
        police = run.provenance["populations"]["police_employees"]
        assert len(weights) == adults["responses"] + police["responses"]
        answers = dict(
            db.session.execute(
                select(SurveyResponse.id, SurveyResponse.answers["safe_alone_area"].as_string()).where(
                    SurveyResponse.id.in_(weights.index.tolist())
                )
            ).all()
        )
        a5 = db.session.scalar(
            select(IndicatorResult.estimate).where(
                IndicatorResult.run_id == run_id, IndicatorResult.indicator == "A5", IndicatorResult.breakdown == ""
            )
        )
        margins = db.session.scalar(select(MarginSet).where(MarginSet.year == 2025, MarginSet.population == "adults"))
        total = sum(raking_margins(margins)["region"].values())
    answer = np.array([answers.get(i) for i in weights.index], dtype=object)
    asked = np.isin(answer, ["very_safe", "rather_safe", "rather_unsafe", "very_unsafe"])
    safe = np.isin(answer, ["very_safe", "rather_safe"])
    w = weights.to_numpy()
    assert 100 * w[safe].sum() / w[asked].sum() == pytest.approx(a5, rel=1e-9)
    adult_ids = [i for i in weights.index if answers.get(i) is not None]
    assert weights.loc[adult_ids].sum() == pytest.approx(total, rel=1e-6)  # raked to the margins' total


def test_reading_a_runs_weights_does_not_hold_every_row_as_python_objects(app: Flask) -> None:
    """An export reads the run's weights before its first chunk: at a million responses a list of result rows
    (about 150 bytes each) would add some 150 MB to the export's peak, so the rows are turned into arrays a
    partition at a time (16 bytes a response)."""
    import tracemalloc

    from surveyapp.services.run_weights import store_weights

    rows = 60_000
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("weights of responses that do not exist: SQLite does not enforce the foreign key")
        run = ComputationRun(programme=PROGRAMME, year=2025, provenance={})
        db.session.add(run)
        db.session.flush()
        ids = np.arange(1, rows + 1, dtype=np.int64)
        store_weights(run.id, ids, ids * 0.5)
        db.session.commit()
        db.session.expire_all()
        tracemalloc.start()
        try:
            weights = run_weights(run.id)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert weights.index.tolist() == ids.tolist()
    assert weights.to_numpy().tolist() == (ids * 0.5).tolist()
    assert peak < rows * 60, f"peak {peak / 1e6:.1f} MB of Python memory for {rows:,} weights"

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

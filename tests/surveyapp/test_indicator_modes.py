"""An indicator whose definition says ``mode: interviewer`` (or web) counts only that mode's responses; the
run's provenance and the report's annex say so; a wrong mode name stops the computation with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from analysis import programme as programme_module
from analysis.report import ModeRestriction
from analysis.report.outline.annex import annex
from analysis.report.outline.model import Paragraph
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, IndicatorResult, Instrument, StoredVersion, SurveyResponse
from surveyapp.services.reports import report_data
from surveyapp.services.run_weights import run_weights
from tests.conftest import AuthActions, invoke, make_user

PROGRAMME = "public_safety_2024_2028"
A5_RULE = '      rule: "Share answering very_safe or rather_safe among valid answers to safe_alone_area'


@pytest.fixture
def two_modes(app: Flask) -> Flask:
    """The demo with its adults' responses split: every other one collected by an interviewer, the rest web."""
    code, out = invoke(app, "demo", "init", "--adults", "400", "--pupils", "60")
    assert code == 0, out
    with app.app_context():
        for n, response in enumerate(db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id))):
            response.mode = "interviewer" if n % 2 else "web"
        db.session.commit()
    return app


def _programme_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    text = (programme_module.PROGRAMME_DIR / f"{PROGRAMME}.yaml").read_text(encoding="utf-8")
    assert text.count(A5_RULE) == 1
    monkeypatch.setattr(programme_module, "PROGRAMME_DIR", tmp_path)
    (tmp_path / f"{PROGRAMME}.yaml").write_text(
        text.replace(A5_RULE, f"      mode: {mode}\n{A5_RULE}"), encoding="utf-8"
    )


def _run(app: Flask) -> tuple[ComputationRun, dict[tuple[str, str], IndicatorResult]]:
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    with app.app_context():
        run = db.session.scalars(select(ComputationRun).order_by(ComputationRun.id.desc()).limit(1)).one()
        rows = {(r.indicator, r.breakdown + ":" + r.category): r for r in run.results}
        db.session.expunge(run)  # its results go with it (cascade)
        return run, rows


def test_an_indicator_restricted_to_interviewers_counts_only_their_responses(
    two_modes: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unrestricted, everyone = _run(two_modes)
    assert ("A5", "mode:interviewer") in everyone  # both modes were used: the breakdown by mode is there
    _programme_with(tmp_path, monkeypatch, "interviewer")
    run, rows = _run(two_modes)
    a5 = rows[("A5", ":")]
    by_mode = everyone[("A5", "mode:interviewer")]
    # A domain of the same weighted sample: the interviewer row of the breakdown, exactly.
    assert a5.n == by_mode.n < everyone[("A5", ":")].n
    assert a5.estimate == pytest.approx(by_mode.estimate, rel=1e-12)
    assert a5.details["mode"] == "interviewer"
    assert ("A5", "mode:interviewer") not in rows and ("A5", "mode:web") not in rows
    others = [key for key, row in everyone.items() if key[1] == ":" and key[0] != "A5" and row.n]
    assert others and all(rows[key].n == everyone[key].n for key in others)  # they still count every mode
    with two_modes.app_context():
        used = run_weights(run.id).index
        interviewer = db.session.scalar(
            select(db.func.count())
            .select_from(SurveyResponse)
            .join(StoredVersion)
            .join(Instrument)
            .where(
                SurveyResponse.id.in_([int(i) for i in used]),
                SurveyResponse.mode == "interviewer",
                Instrument.code == "public_safety",  # the adults' instrument
            )
        )
    adults = run.provenance["populations"]["adults"]["responses"]
    assert run.provenance["mode_restrictions"] == {
        "A5": {
            "mode": "interviewer", "population": "adults",
            "responses": interviewer, "other_modes": adults - interviewer,
        }
    }
    assert 0 < interviewer < adults
    assert "mode_restrictions" not in unrestricted.provenance


def test_the_annex_names_the_restriction_in_each_language(
    two_modes: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _programme_with(tmp_path, monkeypatch, "web")
    run, _rows = _run(two_modes)
    info = run.provenance["mode_restrictions"]["A5"]
    total = info["responses"] + info["other_modes"]
    texts = {}
    with two_modes.app_context():
        for language in ("kk", "ru", "en"):
            data = report_data(PROGRAMME, 2025, language, two_modes.config["QUESTIONNAIRES_DIR"], published_only=False)
            assert data.methodology.mode_restrictions == (ModeRestriction("A5", "web", info["responses"], total),)
            paragraphs = [b.text for s in annex(data).sections for b in s.blocks if isinstance(b, Paragraph)]
            texts[language] = next(p for p in paragraphs if "A5" in p)
    assert "web (self-completed) responses only" in texts["en"]
    assert "только по ответам способа сбора «веб (самозаполнение)»" in texts["ru"]
    assert "тек веб (өзі толтырған) жауаптары бойынша" in texts["kk"]


def test_the_indicator_page_says_which_mode_counts(
    two_modes: Flask, client: FlaskClient, auth: AuthActions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _programme_with(tmp_path, monkeypatch, "web")
    _run(two_modes)
    make_user(two_modes, "mode_reader", "researcher")
    auth.login("mode_reader")
    restricted = client.get(f"/dashboard/{PROGRAMME}/2025/A5?lang=ru").get_data(as_text=True)
    assert "Способ сбора данных" in restricted and "учитываются только ответы: веб (самозаполнение)" in restricted
    other = client.get(f"/dashboard/{PROGRAMME}/2025/A9?lang=kk").get_data(as_text=True)
    assert "Деректер жинау тәсілі" not in other


def test_a_mode_without_responses_leaves_the_indicator_without_data(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke(app, "demo", "init", "--adults", "200", "--pupils", "60")[0] == 0
    with app.app_context():
        for response in db.session.scalars(select(SurveyResponse)):
            response.mode = "web"
        db.session.commit()
    _programme_with(tmp_path, monkeypatch, "interviewer")
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    assert "A5: no interviewer responses of adults in 2025" in out
    with app.app_context():
        run = db.session.scalars(select(ComputationRun).order_by(ComputationRun.id.desc()).limit(1)).one()
        a5 = next(r for r in run.results if r.indicator == "A5" and not r.breakdown)
        assert a5.status == "no_data" and a5.estimate is None
        assert run.provenance["mode_restrictions"]["A5"]["responses"] == 0


def test_a_wrong_mode_name_is_a_clear_error(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _programme_with(tmp_path, monkeypatch, "phone")
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code != 0
    assert "definition.mode: 'phone' is not a mode of collection (expected one of: web, interviewer)" in out
    assert "Traceback" not in out
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ComputationRun)) == 0

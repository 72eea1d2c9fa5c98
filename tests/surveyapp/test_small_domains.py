"""Small domains in the stored computation and its reports (issue 18, item 7): the demo's regions have few PSUs,
so their shares get the Korn-Graubard interval, the run records the rule, and every report marks them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from analysis.ci import SMALL_DF, method_for_df
from analysis.report import build as build_report
from analysis.report.outline.cells import SMALL_DF_MARK
from analysis.report.texts import tr
from analysis.survey_indicator import interval_rule
from surveyapp.extensions import db
from surveyapp.models import ComputationRun
from surveyapp.services.reports import report_data
from tests.conftest import invoke

PROGRAMME = "public_safety_2024_2028"


@pytest.fixture
def computed(app: Flask) -> Flask:
    assert invoke(app, "demo", "init", "--adults", "500", "--pupils", "200")[0] == 0
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    return app


def _run() -> ComputationRun:
    return db.session.scalar(select(ComputationRun).order_by(ComputationRun.id.desc()))


def test_the_run_records_the_rule_and_each_result_its_interval(computed: Flask) -> None:
    with computed.app_context():
        run = _run()
        assert run.provenance["ci_method"] == interval_rule()
        assert run.provenance["ci_method"]["threshold"] == SMALL_DF
        survey = [r for r in run.results if r.se is not None]
        methods = {(r.details or {}).get("ci_method") for r in survey}
        assert {"beta", "logit"} <= methods  # the demo has regions on both sides of the threshold
        for row in survey:
            method = row.details["ci_method"]
            assert method == "wald" or method == method_for_df(row.df).value, (row.indicator, row.df, method)
        low = [r for r in survey if r.breakdown == "region" and r.details["ci_method"] == "beta"]
        assert low and all(r.df < SMALL_DF for r in low)


def test_reports_mark_low_df_regions_and_the_annex_names_the_rule(computed: Flask, tmp_path: Path) -> None:
    with computed.app_context():
        data = report_data(PROGRAMME, 2025, "ru", computed.config["QUESTIONNAIRES_DIR"], published_only=False)
    assert data.methodology.ci_method == "by_df" and data.methodology.small_df == SMALL_DF
    shown = [(ind, r) for ind in data.indicators for r in ind.breakdowns.get("region", ())
             if not r.is_hidden(data.methodology.min_cell_n)]
    low = [(ind, r) for ind, r in shown if r.is_small_df(SMALL_DF)]
    assert low, "the demo should have a shown region with few design df"
    ind, row = low[0]
    marked = f"{row.label} {SMALL_DF_MARK}"
    variance = tr("meth.variance.by_df", "ru", level="95", threshold=SMALL_DF, mark=SMALL_DF_MARK)
    note = tr("small_df.footnote.by_df", "ru", mark=SMALL_DF_MARK, threshold=SMALL_DF)
    logit_only = tr("meth.variance", "ru", level="95", method=tr("ci_method.logit", "ru"))

    html = build_report(data, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    assert marked in html and note in html and variance in html and logit_only not in html

    wb = load_workbook(build_report(data, "xlsx", tmp_path / "r.xlsx"))
    cells = [c.value for ws in wb.worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert marked in cells and variance in cells and any(note in c for c in cells)
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith(ind.code))
    stored = next(r for r in sheet.iter_rows(values_only=True) if r[2] == marked)
    assert stored[9] == row.value.df  # the design df beside the mark

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = build_report(data, "pdf", tmp_path / "r.pdf")
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert " ".join(marked.split()) in text and "Корна – Граубарда" in text
    assert " ".join(logit_only.split()) not in text

"""Small domains (issue 18, item 7): the interval of a share chosen by the domain's design df, and the mark the
reports print beside a group with few df.

``CIMethod.BY_DF`` is Korn-Graubard (``BETA``, R's ``svyciprop(method = "beta")``) below ``SMALL_DF`` design df
and ``LOGIT`` from there on. The regional golden cases have 6-13 df, so both sides of the threshold are checked
against R's own numbers.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

import analysis
from analysis.ci import SMALL_DF, CIMethod, is_small_df, method_for_df, proportion
from analysis.definition import Statistic
from analysis.report import BreakdownRow, Methodology, Value, build
from analysis.report.outline import Format, build_outline
from analysis.report.outline.annex import annex
from analysis.report.outline.cells import SMALL_DF_MARK
from analysis.report.outline.indicator import indicator_page
from analysis.report.texts import tr
from analysis.survey_indicator import interval_method, interval_rule
from tests.analysis import report_fixture
from tests.analysis.golden_cases import build_design, golden

RTOL = 1e-10  # the R agreement the engine keeps (golden values are printed to 15 digits)


def _case(case_id: str) -> dict[str, Any]:
    return next(c for c in golden()["cases"] if c["id"] == case_id)


def _close(actual: float, expected: Any) -> bool:
    return math.isclose(actual, float(expected), rel_tol=RTOL, abs_tol=1e-12)


# ---------------------------------------------------------------------------------------------- the rule
def test_threshold_splits_beta_from_logit() -> None:
    assert SMALL_DF == 14
    assert method_for_df(SMALL_DF - 1) is CIMethod.BETA
    assert method_for_df(SMALL_DF) is CIMethod.LOGIT
    assert method_for_df(4) is CIMethod.BETA and method_for_df(51) is CIMethod.LOGIT
    # Unknown df claims nothing: not small, so no mark and the logit interval (NaN without df anyway).
    assert not is_small_df(None) and not is_small_df(float("nan")) and method_for_df(None) is CIMethod.LOGIT


def test_by_df_takes_beta_below_the_threshold_and_logit_above_elementwise() -> None:
    p = np.array([0.3, 0.3, 0.3, 0.3])
    se = np.array([0.05, 0.05, 0.05, 0.05])
    df = np.array([4.0, 13.0, 14.0, 40.0])
    n = np.array([200.0, 200.0, 200.0, 200.0])
    low, high = proportion(p, se, df, n, 0.95, CIMethod.BY_DF)
    beta = proportion(p, se, df, n, 0.95, CIMethod.BETA)
    logit = proportion(p, se, df, n, 0.95, CIMethod.LOGIT)
    np.testing.assert_array_equal(low, [beta[0][0], beta[0][1], logit[0][2], logit[0][3]])
    np.testing.assert_array_equal(high, [beta[1][0], beta[1][1], logit[1][2], logit[1][3]])
    assert not np.allclose(beta[0][:2], logit[0][:2])  # the two really differ where the rule picks beta


def test_by_df_equals_r_beta_in_regions_below_the_threshold() -> None:
    """syn_base_prop_yes_by_region: R's svyciprop(method = "beta") by region (6-13 df), to 1e-10."""
    case = _case("syn_base_prop_yes_by_region")
    got = analysis.proportion(build_design(case), "q", ["yes"], by="region", ci_method="by_df")
    logit = analysis.proportion(build_design(case), "q", ["yes"], by="region", ci_method="logit")
    assert [e["df"] for e in case["rows"]] == [9, 9, 6, 13, 6, 8]  # every region below the threshold
    for g, e, other in zip(got, case["rows"], logit, strict=True):
        assert g.df == e["df"] and _close(g.ci_low, e["ci_low"]) and _close(g.ci_high, e["ci_high"]), (g, e)
        assert not _close(other.ci_low, e["ci_low"])  # logit would have given another interval


def test_by_df_equals_r_logit_where_df_reaches_the_threshold() -> None:
    """syn_rk_prop_yes_logit (raked, nationally 51 df): R's logit interval, to 1e-10; the regions' 6-13 df
    get the beta interval of the same design."""
    design = build_design(_case("syn_rk_prop_yes_by_region"))
    [e] = _case("syn_rk_prop_yes_logit")["rows"]
    whole = analysis.proportion(design, "q", ["yes"], ci_method=CIMethod.BY_DF)
    assert whole.df == 51 and _close(whole.ci_low, e["ci_low"]) and _close(whole.ci_high, e["ci_high"])
    regions = analysis.proportion(design, "q", ["yes"], by="region", ci_method=CIMethod.BY_DF)
    beta = analysis.proportion(design, "q", ["yes"], by="region", ci_method=CIMethod.BETA)
    assert [(g.ci_low, g.ci_high) for g in regions] == [(b.ci_low, b.ci_high) for b in beta]


def test_cli_accepts_the_rule() -> None:
    assert "by_df" in [m.value for m in CIMethod]


def test_the_stored_indicators_record_the_rule_and_the_interval_each_result_got() -> None:
    rule = interval_rule()
    assert rule == {"rule": "by_df", "threshold": SMALL_DF, "below": "beta", "otherwise": "logit", "means": "wald"}

    class Share:
        statistic = Statistic.PROPORTION

    class Score:
        statistic = Statistic.SCORE_MEAN

    assert interval_method(Share(), 6) == "beta" and interval_method(Share(), 51) == "logit"  # type: ignore[arg-type]
    assert interval_method(Score(), 6) == "wald"  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- the reports
def _low_df_report(language: str, ci_method: str = "by_df") -> Any:
    """The fixture report with Astana measured on 6 design df and every other group on 40, under the rule."""
    base = report_fixture.report(language)
    a5 = base.indicators[0]
    rows = tuple(replace(r, value=replace(r.value, df=6.0 if r.category == "astana" else 40.0))
                 for r in a5.breakdowns["region"])
    a5 = replace(a5, breakdowns={**a5.breakdowns, "region": rows})
    meth = replace(base.methodology, ci_method=ci_method, small_df=SMALL_DF)
    return replace(base, indicators=(a5, *base.indicators[1:]), methodology=meth)


def _astana(report: Any) -> BreakdownRow:
    return next(r for r in report.indicators[0].breakdowns["region"] if r.category == "astana")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_page_marks_the_low_df_group_and_explains_it(language: str) -> None:
    report = _low_df_report(language)
    page = indicator_page(report, report.indicators[0])
    [table] = [t for t in page.breakdowns if t.key == "region"]
    labels = {row[0].text for row in table.rows}
    astana = _astana(report).label
    assert f"{astana} {SMALL_DF_MARK}" in labels
    assert sum(SMALL_DF_MARK in label for label in labels) == 1  # only the group with few df
    note = tr("small_df.footnote.by_df", language, mark=SMALL_DF_MARK, threshold=SMALL_DF)
    assert page.footnote is not None and note in page.footnote
    workbook = {row[2].value: row for row in page.breakdown_table.rows}
    assert workbook[f"{astana} {SMALL_DF_MARK}"][-1].value == 6.0  # the design df stored beside it


def test_no_mark_without_a_recorded_threshold_or_with_enough_df() -> None:
    report = _low_df_report("ru")
    older = replace(report, methodology=replace(report.methodology, ci_method="logit", small_df=None))
    page = indicator_page(older, older.indicators[0])
    assert not any(SMALL_DF_MARK in row[0].text for t in page.breakdowns for row in t.rows)
    assert BreakdownRow("x", "x", Value(50.0, df=14.0)).is_small_df(14) is False
    assert BreakdownRow("x", "x", Value(50.0, df=13.0)).is_small_df(14) is True


@pytest.mark.parametrize(("language", "words"), [
    ("kk", ("Корн – Граубард", f"{SMALL_DF} шегінен аз", "логит аралығы")),
    ("ru", ("Корна – Граубарда", f"меньше {SMALL_DF}", "логит-преобразования")),
    ("en", ("Korn–Graubard", f"fewer than {SMALL_DF} df", "otherwise the logit interval")),
])
def test_annex_words_the_rule_the_run_used(language: str, words: tuple[str, ...]) -> None:
    texts = [b.text for s in annex(_low_df_report(language)).sections for b in s.blocks if hasattr(b, "text")]
    variance = next(t for t in texts if any(w in t for w in words))
    assert all(w in variance for w in words), variance
    old = tr("meth.variance", language, level="95", method=tr("ci_method.logit", language))
    assert old not in texts  # the logit-only sentence would misstate what the regions got


def test_annex_of_a_logit_run_still_says_logit() -> None:
    report = replace(_low_df_report("en"), methodology=Methodology(ci_method="logit"))
    texts = [b.text for s in annex(report).sections for b in s.blocks if hasattr(b, "text")]
    assert any("(logit method)" in t for t in texts) and not any("Korn" in t for t in texts)


def test_by_df_needs_its_threshold() -> None:
    with pytest.raises(ValueError, match="small_df"):
        Methodology(ci_method="by_df")


def test_outline_builds_in_every_language() -> None:
    for language in ("kk", "ru", "en"):
        outline = build_outline(_low_df_report(language))
        assert outline.indicators[0].footnote


# ---------------------------------------------------------------------------------------------- the three files
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_pdf_html_and_xlsx_show_the_mark_and_its_footnote(language: str, tmp_path: Path) -> None:
    report = _low_df_report(language)
    marked = f"{_astana(report).label} {SMALL_DF_MARK}"
    note = tr("small_df.footnote.by_df", language, mark=SMALL_DF_MARK, threshold=SMALL_DF)
    variance = tr("meth.variance.by_df", language, level="95", threshold=SMALL_DF, mark=SMALL_DF_MARK)

    pdf = build(report, Format.PDF, tmp_path / "r.pdf")
    text = subprocess.run([str(PDFTOTEXT), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert " ".join(marked.split()) in flat
    assert " ".join(note.split())[:60] in flat  # the footnote (a long line: its start, unbroken by layout)
    assert "Корн" in flat and flat.count(SMALL_DF_MARK) >= 3  # the cell, the footnote, the annex

    html = build(report, Format.HTML, tmp_path / "r.html").read_text(encoding="utf-8")
    assert marked in html and note in html and variance in html

    wb = load_workbook(build(report, Format.XLSX, tmp_path / "r.xlsx"))
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert marked in cells and note in " ".join(str(c) for c in cells) and variance in cells
    [sheet] = [ws for ws in wb.worksheets if ws.title == "A5"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[2] == marked)
    assert row[9] == 6  # the design df, in the workbook's own column after the reason

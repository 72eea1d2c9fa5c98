"""The annex states what each population's weights cost (Kish), in the report's language."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from analysis import weighting
from analysis.report import WeightSummary
from analysis.report.outline.annex import _weighting
from tests.analysis.report_fixture import report


def _with_summary(language: str, summary: WeightSummary | None):  # type: ignore[no-untyped-def]
    base = report(language)
    meth = base.methodology
    info = dataclasses.replace(meth.weighting[0], diagnostics=summary)
    return dataclasses.replace(base, methodology=dataclasses.replace(meth, weighting=(info,)))


def test_diagnostics_are_kish_formulas() -> None:
    w = np.array([1.0, 2.0, 2.0, 5.0, 0.0])
    d = weighting.diagnostics(w)
    positive = w[w > 0]
    cv = positive.std() / positive.mean()
    assert d.n == 4 and d.max_min_ratio == 5.0
    assert d.cv == pytest.approx(cv, rel=1e-12)
    assert d.deff_weighting == pytest.approx(1 + cv**2, rel=1e-12)
    assert d.kish_n_eff == pytest.approx(positive.sum() ** 2 / (positive**2).sum(), rel=1e-12)
    assert d.as_record()["kish_n_eff"] == d.kish_n_eff


@pytest.mark.parametrize(("language", "words"), [
    ("ru", ["Отношение наибольшего веса к наименьшему 15,9", "1 + КВ²) 1,26", "эффективный объём выборки 733",
            "из 923 респондентов"]),
    ("kk", ["ең кішісіне қатынасы 15,9", "(Киш, 1 + ВК²) 1,26", "тиімді іріктеме көлемі 733",
            "923 респонденттің"]),
])
def test_annex_prints_the_weight_diagnostics(language: str, words: list[str]) -> None:
    summary = WeightSummary(n=923, max_min_ratio=15.93, cv=0.509, deff_weighting=1.2592, kish_n_eff=733.0)
    text = " ".join(p.text for p in _weighting(_with_summary(language, summary)))
    for word in words:
        assert word.replace(" ", "\u00a0") in text.replace(" ", "\u00a0"), (word, text)


def test_runs_stored_without_diagnostics_print_none() -> None:
    text = " ".join(p.text for p in _weighting(_with_summary("ru", None)))
    assert "Киш" not in text

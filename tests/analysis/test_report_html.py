"""The HTML report: the same content, self-contained (no network), printable, suppressed cells without numbers."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

from analysis.report import fmt
from analysis.report.html import html_text
from analysis.report.texts import tr
from tests.analysis import report_fixture


@pytest.fixture(scope="module", params=["kk", "ru"])
def page(request: pytest.FixtureRequest) -> tuple:
    report = report_fixture.report(request.param)
    return report, html_text(report)


def _text(markup: str) -> str:
    """Visible text of the page outside the SVG charts, unescaped, with whitespace collapsed."""
    body = re.sub(r"<svg.*?</svg>", " ", markup, flags=re.DOTALL)
    body = re.sub(r"<style>.*?</style>", " ", body, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " "))


def test_names_values_targets_and_statuses(page: tuple) -> None:
    report, markup = page
    lang = report.language
    text = _text(markup)
    assert f'<html lang="{lang}">' in markup
    for ind in report.indicators:
        assert fmt.indicator_name(ind, lang) in text
        assert fmt.value_text(ind.national.estimate, ind.unit, lang).replace("\u00a0", " ") in text
        assert fmt.status_label(ind.status.status, lang) in text
        assert fmt.target_text(ind.target, ind.unit, lang).replace("\u00a0", " ") in text
    assert tr("synthetic.banner", lang) in text
    assert tr("meth.title", lang) in text


def test_self_contained_and_printable(page: tuple) -> None:
    _report, markup = page
    assert markup.count("<svg") == 6  # two charts per indicator, inline
    assert "@media print" in markup and "break-before: page" in markup
    assert not re.search(r"<(script|link|img)[^>]*(src|href)=", markup)
    external = set(re.findall(r"(?:src|href|url\()=?[\"']?(https?://[^\"' )]+)", markup))
    assert not external


def test_suppressed_cell_shows_a_word_not_a_number(page: tuple) -> None:
    report, markup = page
    lang = report.language
    text = _text(markup)
    assert fmt.number(report_fixture.HIDDEN_ESTIMATE, lang, 1) not in markup
    label = {"kk": "Ұлытау облысы", "ru": "область Ұлытау"}[lang]
    row = re.search(rf"<tr><td>{re.escape(label)}</td>(.*?)</tr>", markup, re.DOTALL)
    assert row is not None
    assert tr("suppressed.cell", lang) in row.group(1)
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", row.group(1)))
    assert tr("suppressed.cell", lang) in text


def test_kazakh_letters_in_the_kazakh_page(page: tuple) -> None:
    report, markup = page
    if report.language == "kk":
        assert set("әғқңөұүі") <= set(_text(markup))
    else:
        assert "Қол жеткізілді" not in _text(markup)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_hidden_regions_are_listed_as_text_under_the_chart_not_inside_it(language: str) -> None:
    report = report_fixture.report_with_hidden_regions(language)
    markup = html_text(report)
    words = tr("chart.hidden_regions", language, names="").rstrip(": ")
    svgs = re.findall(r"<svg.*?</svg>", markup, flags=re.DOTALL)
    # Inside an SVG the long list ran past the figure's edge; as a paragraph the browser wraps it.
    assert svgs and not any(words in svg for svg in svgs)
    [note] = re.findall(r'<p class="small muted hidden-regions">(.*?)</p>', markup, flags=re.DOTALL)
    names = [r.label for r in report.indicators[0].breakdowns["region"] if r.suppressed]
    assert html.unescape(note).startswith(words) and all(name in html.unescape(note) for name in names)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_indicators_without_data_share_one_compact_section(language: str) -> None:
    base = report_fixture.report_with_final_target(language)
    [empty] = [ind for ind in base.indicators if ind.code == "A10"]
    report = replace(base, indicators=(*base.indicators, replace(empty, code="A11")))
    markup = html_text(report)
    sections = re.findall(r'<section class="indicator[^"]*" id="([^"]+)">(.*?)</section>', markup, flags=re.DOTALL)
    ids = [section_id for section_id, _ in sections]
    assert ids == ["ind-A5", "ind-A9", "ind-A7", "ind-A13", "no-data"]
    compact = dict(sections)["no-data"]
    assert tr("ind.empty_title", language, year=report.year) in compact
    for code in ("A10", "A11"):
        # Still reachable from the scorecard and the contents, with its name, target and status ...
        assert f'id="ind-{code}"' in compact and f'href="#ind-{code}"' in markup
    text = _text(compact)
    assert text.count(fmt.status_text("no_data", language)) == 2 and fmt.indicator_name(empty, language) in text
    # ... but no empty charts or tables.
    assert "<svg" not in compact and "<table" not in compact and tr("ind.trend", language) not in text

"""The report's data model, its texts in every language, build() and the package's independence from Flask."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.report import NOT_ACHIEVED, SMALL_N, BreakdownRow, Format, ReportData, StatusInfo, Value, build
from analysis.report.outline import Paragraph, build_outline
from analysis.report.texts import TEXTS, tr
from tests.analysis import report_fixture

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_kazakh_and_russian_with_the_same_placeholders(key: str) -> None:
    entry = TEXTS[key]
    assert entry.get("kk", "").strip(), f"{key} lacks kk"
    assert entry.get("ru", "").strip(), f"{key} lacks ru"
    placeholders = {lang: set(PLACEHOLDER.findall(text)) for lang, text in entry.items()}
    assert placeholders["kk"] == placeholders["ru"] == placeholders.get("en", placeholders["ru"]), key


def test_english_falls_back_to_russian_only_when_missing() -> None:
    assert tr("status.achieved", "en") == "Achieved"
    assert tr("status.achieved", "kk") == "Қол жеткізілді"


def test_report_package_imports_without_flask() -> None:
    code = ("import sys, analysis.report, analysis.report.data, analysis.report.texts, analysis.report.fmt; "
            "print('flask' in sys.modules, 'surveyapp' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.split() == ["False", "False"]


def test_status_must_be_known_and_language_supported() -> None:
    with pytest.raises(ValueError, match="not one of"):
        StatusInfo("green")
    assert StatusInfo(NOT_ACHIEVED).status == "not_achieved"
    with pytest.raises(ValueError, match="language"):
        report_fixture.report("de")


def test_data_is_frozen_all_the_way_down() -> None:
    report = report_fixture.report("ru")
    with pytest.raises(AttributeError):
        report.year = 2026  # type: ignore[misc]
    with pytest.raises(TypeError):
        report.indicators[0].breakdowns["region"] = ()  # type: ignore[index]


def test_small_cells_are_hidden_even_when_the_computation_forgot_to_suppress_them() -> None:
    row = BreakdownRow("x", "X", Value(50.0, n=12))
    assert row.is_hidden(30) and row.hidden_reason(30) == SMALL_N
    assert not BreakdownRow("y", "Y", Value(50.0, n=30)).is_hidden(30)


def test_build_rejects_an_unknown_format_and_leaves_no_partial_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown report format 'docx'"):
        build(report_fixture.report("ru"), "docx", tmp_path / "r.docx")
    target = build(report_fixture.report("kk"), Format.HTML, tmp_path / "deep" / "er" / "r.html")
    assert target.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.html"]


@pytest.mark.parametrize("kind", ["xlsx", "html"])
def test_progress_reaches_the_total(tmp_path: Path, kind: str) -> None:
    calls: list[tuple[int, int, str]] = []
    build(report_fixture.report("ru"), kind, tmp_path / f"r.{kind}", progress=lambda *a: calls.append(a))
    done = [c[0] for c in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1]
    assert {"A5", "A9", "A7"} <= {c[2] for c in calls}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_annex_names_the_strata_with_a_single_psu_and_the_rule_used(language: str) -> None:
    def paragraphs(report: ReportData) -> list[str]:
        annex = build_outline(report).annex
        return [b.text for s in annex.sections for b in s.blocks if isinstance(b, Paragraph)]

    report = report_fixture.report_with_survey_count(language)
    [line] = [text for text in paragraphs(report) if "R07_rural" in text]
    assert tr("meth.single_psu.adjust", language) in line
    assert not any("R07_rural" in text for text in paragraphs(report_fixture.report(language)))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_annex_says_how_many_withdrawn_responses_were_left_out(language: str) -> None:
    from dataclasses import replace

    def paragraphs(report: ReportData) -> list[str]:
        annex = build_outline(report).annex
        return [b.text for s in annex.sections for b in s.blocks if isinstance(b, Paragraph)]

    report = report_fixture.report(language)
    withdrawn = replace(report, methodology=replace(report.methodology, withdrawn=3))
    line = tr("meth.withdrawn", language, count="3")
    assert line in paragraphs(withdrawn)
    assert not any(text.startswith(line[:20]) for text in paragraphs(report))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_annex_says_how_change_targets_were_judged(language: str) -> None:
    import dataclasses

    from analysis.programme import Kind, Reading
    from analysis.report.data import TargetInfo

    def paragraphs(report: ReportData) -> list[str]:
        annex = build_outline(report).annex
        return [b.text for s in annex.sections for b in s.blocks if isinstance(b, Paragraph)]

    plain = report_fixture.report(language)
    first = plain.indicators[0]
    changed = dataclasses.replace(first, target=TargetInfo(2025, 5.0, Kind.CHANGE_VS_BASE, value=63.0,
                                                           base_year=2023, reading=Reading.RELATIVE))
    report = dataclasses.replace(plain, indicators=(changed, *plain.indicators[1:]))
    assert tr("meth.change_rule.base_exact", language) not in paragraphs(plain)  # no change target, no sentence
    assert tr("meth.change_rule.base_exact", language) in paragraphs(report)
    with_ci = dataclasses.replace(report, methodology=dataclasses.replace(report.methodology, change_inference="ci"))
    [line] = [t for t in paragraphs(with_ci) if t.startswith(tr("meth.change_rule.ci", language, level="")[:12])]
    assert "95" in line
    with pytest.raises(ValueError, match="change_inference"):
        dataclasses.replace(report.methodology, change_inference="guess")

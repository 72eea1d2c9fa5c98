"""Both programme files are complete and say what the documents print; broken files give clear errors.

The expected values below are transcribed by hand from the source documents in shared/seeds/ (not from the
programme files): 003_aac3adeb904113a1.txt for programme A (Kazakh), 002_b8f31f13fc127bbd.txt for programme B
(Russian). Each row names its place in the document.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.design import LonelyPSU
from analysis.errors import AnalysisError, ProgrammeError
from analysis.programme import (
    Direction,
    Kind,
    Reading,
    Source,
    Target,
    absolute_target,
    load_programme,
    load_programmes,
    parse_programme,
    programme_codes,
)

PS = "public_safety_2024_2028"
CP = "child_protection_2023_2025"
CHG = "change_vs_base"

# (code, place in the document, {year: (value as printed, kind, base_year)})
A_EXPECTED = [
    ("A1", "003 s.6 indicator 1, line 933: 3/5/7/9/10 %-ға төмендету (2022)",
     {2024: (-3, CHG, 2022), 2025: (-5, CHG, 2022), 2026: (-7, CHG, 2022), 2027: (-9, CHG, 2022),
      2028: (-10, CHG, 2022)}),
    ("A2", "003 s.6 indicator 2, line 935: 3/6/9/12/15 %-ға төмендету (2022)",
     {2024: (-3, CHG, 2022), 2025: (-6, CHG, 2022), 2026: (-9, CHG, 2022), 2027: (-12, CHG, 2022),
      2028: (-15, CHG, 2022)}),
    ("A3", "003 s.6 indicator 3, line 937: 4/6/10/12/15 %-ға арттыру (2022)",
     {2024: (4, CHG, 2022), 2025: (6, CHG, 2022), 2026: (10, CHG, 2022), 2027: (12, CHG, 2022),
      2028: (15, CHG, 2022)}),
    ("A4", "003 s.6 indicator 4, line 939: 2/4/6/8/10 %-ға төмендету (2022)",
     {2024: (-2, CHG, 2022), 2025: (-4, CHG, 2022), 2026: (-6, CHG, 2022), 2027: (-8, CHG, 2022),
      2028: (-10, CHG, 2022)}),
    ("A5", "003 s.6 indicator 5, line 941: 59 / 60 / 61,2 / 62,4 / 63,6 %",
     {2024: (59, "level", None), 2025: (60, "level", None), 2026: (61.2, "level", None),
      2027: (62.4, "level", None), 2028: (63.6, "level", None)}),
    ("A6", "003 s.6 indicator 6, line 943: 3/5/8/10/12 %-ға төмендету (2022)",
     {2024: (-3, CHG, 2022), 2025: (-5, CHG, 2022), 2026: (-8, CHG, 2022), 2027: (-10, CHG, 2022),
      2028: (-12, CHG, 2022)}),
    ("A7", "003 s.6 indicator 7, line 945: 11,8 / 11,7 / 11,6 / 11,5 / 11,4",
     {2024: (11.8, "level", None), 2025: (11.7, "level", None), 2026: (11.6, "level", None),
      2027: (11.5, "level", None), 2028: (11.4, "level", None)}),
    ("A8", "003 s.6 indicator 8, line 947: 2/4/6/8/10 %-ға төмендету (2022)",
     {2024: (-2, CHG, 2022), 2025: (-4, CHG, 2022), 2026: (-6, CHG, 2022), 2027: (-8, CHG, 2022),
      2028: (-10, CHG, 2022)}),
    ("A9", "003 s.6 indicator 9, line 949: 82/83/84/85/86 балл",
     {2024: (82, "level", None), 2025: (83, "level", None), 2026: (84, "level", None),
      2027: (85, "level", None), 2028: (86, "level", None)}),
    ("A10", "003 s.6 indicator 10, line 951: 60/62/64/66 %, 2028 жылға қарай 68 %",
     {2024: (60, "level", None), 2025: (62, "level", None), 2026: (64, "level", None),
      2027: (66, "level", None), 2028: (68, "level", None)}),
    ("A11", "003 s.6 indicator 11, line 953: 56,5/57/58/59 %, 2028 жылға қарай 60 %",
     {2024: (56.5, "level", None), 2025: (57, "level", None), 2026: (58, "level", None),
      2027: (59, "level", None), 2028: (60, "level", None)}),
    ("A12", "003 s.6 indicator 12, line 955: 65 / 65 / кемінде 77 x3 %",
     {2024: (65, "level", None), 2025: (65, "level", None), 2026: (77, "at_least", None),
      2027: (77, "at_least", None), 2028: (77, "at_least", None)}),
    ("A13", "003 s.6 expected result 1, line 959: 80,5 %-дан төмен емес",
     {2028: (80.5, "at_least", None)}),
    ("A14", "003 s.6 expected result 2, line 961: 83 %-дан жоғары", {2028: (83, "above", None)}),
    ("A15", "003 s.6 expected result 3, line 963: 97-ден 65-орынға дейін", {2028: (65, "rank", None)}),
    ("A16", "003 s.6 expected result 4, line 965: 'Тәртіп пен қауіпсіздік' 35-орынға дейін",
     {2028: (35, "rank", None)}),
    ("A16b", "003 s.6 expected result 4, line 965: әлемнің 40 еліне кіру", {2028: (40, "rank", None)}),
    ("A17", "003 s.6 expected result 5, line 967: ДДҰ рейтингінде 70-орынға дейін", {2028: (70, "rank", None)}),
]

B_EXPECTED = [
    ("B1", "002 Ожидаемые результаты 1), line 130: 1648 / 1565 / 1486 фактов",
     {2023: (1648, "level", None), 2024: (1565, "level", None), 2025: (1486, "level", None)}),
    ("B2", "002 Ожидаемые результаты 2), line 132: 1904 / 1808 / 1717",
     {2023: (1904, "level", None), 2024: (1808, "level", None), 2025: (1717, "level", None)}),
    ("B3", "002 Ожидаемые результаты 3), line 134: суицид 147 / 139 / 130",
     {2023: (147, "level", None), 2024: (139, "level", None), 2025: (130, "level", None)}),
    ("B4", "002 Ожидаемые результаты 3), line 134: попытки 293 / 278 / 264",
     {2023: (293, "level", None), 2024: (278, "level", None), 2025: (264, "level", None)}),
    ("B5", "002 Ожидаемые результаты 4), line 136: 2025 – дополнительно 1000 единиц",
     {2025: (1000, "absolute_change_vs_base", None)}),
    ("B6", "002 Ожидаемые результаты 5), line 138: 2025 – дополнительно 2000 единиц",
     {2025: (2000, "absolute_change_vs_base", None)}),
    ("B7", "002 Ожидаемые результаты 6), line 140: ежегодно на 33,3 %",
     {2023: (33.3, "change_vs_previous", None), 2024: (33.3, "change_vs_previous", None),
      2025: (33.3, "change_vs_previous", None)}),
    ("B8", "002 Ожидаемые результаты 7), line 142: 90 % / 93 % / 96 %",
     {2023: (90, "level", None), 2024: (93, "level", None), 2025: (96, "level", None)}),
    ("B9", "002 Ожидаемые результаты 8), line 144: охват досугом до 100 %", {2025: (100, "level", None)}),
    ("B10", "002 Ожидаемые результаты 9), line 146: 100 % охват (уроки 'Личная безопасность')",
     {2025: (100, "level", None)}),
]

# Sources as INDICATORS.md gives them.
SURVEY = {"A5", "A9", "A10", "A11", "A12", "A13", "A14", "B8"}
EXTERNAL = {"A15", "A16", "A16b", "A17"}


@pytest.fixture(scope="module")
def programmes() -> dict[str, object]:
    return {p.code: p for p in load_programmes()}


def test_both_programmes_are_shipped() -> None:
    assert programme_codes() == (CP, PS)


@pytest.mark.parametrize(("programme", "expected"), [(PS, A_EXPECTED), (CP, B_EXPECTED)], ids=["A", "B"])
def test_every_indicator_of_indicators_md_is_present(programme: str, expected: list) -> None:
    loaded = load_programme(programme)
    assert [i.code for i in loaded.indicators] == [code for code, _, _ in expected]


@pytest.mark.parametrize(
    ("programme", "code", "targets"),
    [pytest.param(PS, code, targets, id=f"{code}: {place}") for code, place, targets in A_EXPECTED]
    + [pytest.param(CP, code, targets, id=f"{code}: {place}") for code, place, targets in B_EXPECTED],
)
def test_every_yearly_target_as_printed(programme: str, code: str, targets: dict) -> None:
    indicator = load_programme(programme).indicator(code)
    got = {t.year: (t.value, t.kind.value, t.base_year) for t in indicator.targets}
    assert got == {year: (float(v), kind, base) for year, (v, kind, base) in targets.items()}


def test_sources_directions_and_units(programmes: dict) -> None:
    for programme in programmes.values():
        for ind in programme.indicators:
            expected = Source.SURVEY if ind.code in SURVEY else (
                Source.EXTERNAL_RATING if ind.code in EXTERNAL else Source.ADMINISTRATIVE)
            assert ind.source is expected, ind.code
            assert (ind.definition is not None) == (ind.source is Source.SURVEY), ind.code
            assert ind.document.file in {"003_aac3adeb904113a1.txt", "002_b8f31f13fc127bbd.txt"}
            assert ind.agencies
    ps, cp = programmes[PS], programmes[CP]
    decreasing = {"A1", "A2", "A4", "A6", "A7", "A8", "A15", "A16", "A16b", "A17", "B1", "B2", "B3", "B4"}
    for ind in (*ps.indicators, *cp.indicators):
        assert ind.direction is (Direction.DECREASE if ind.code in decreasing else Direction.INCREASE), ind.code
    units = {"A2": "per_100k", "A7": "per_100k", "A8": "per_10k", "A9": "points", "A5": "percent", "A15": "rank",
             "B1": "count", "B5": "count", "B8": "percent"}
    for code, unit in units.items():
        programme = ps if code.startswith("A") else cp
        assert programme.indicator(code).unit.value == unit


def test_documented_inconsistencies_keep_the_printed_value_and_a_note(programmes: dict) -> None:
    ps, cp = programmes[PS], programmes[CP]
    b3 = cp.indicator("B3")
    assert b3.target(2025).value == 130.0 and "132" in (b3.note or "")  # 5 % less than 139 is 132
    a14 = ps.indicator("A14")
    assert a14.baseline is not None and a14.baseline.value == 74.6 and "75.4" in (a14.baseline.note or "")
    a5 = ps.indicator("A5")
    assert a5.target(2024).value == 59.0 and "60.3" in (a5.note or "")
    for code in ("A4", "A6"):  # shares: relative or points is not printed
        assert "relative or" in (ps.indicator(code).note or "")
        assert all(t.reading is Reading.RELATIVE for t in ps.indicator(code).targets)
    assert "80.5" in (ps.indicator("A13").note or "")
    assert all(t.reading is Reading.POINTS for t in cp.indicator("B7").targets)


def test_historical_figures_from_the_documents(programmes: dict) -> None:
    ps, cp = programmes[PS], programmes[CP]
    assert {h.year: h.value for h in ps.indicator("A14").history} == {2019: 89.5, 2022: 74.6}  # 003 line 162
    assert {h.year: h.value for h in ps.indicator("A13").history} == {2020: 64.3, 2022: 60.3}  # 003 line 166
    assert {h.year: h.value for h in cp.indicator("B3").history} == {2020: 144, 2021: 175, 2022: 155}  # 002 l.90
    assert cp.indicator("B1").baseline.value == 1735.0  # 002 line 68


@pytest.mark.parametrize(
    ("target", "base", "expected"),
    [
        (Target(2024, -3.0, Kind.CHANGE_VS_BASE, 2022, Reading.RELATIVE), 200.0, 194.0),
        (Target(2024, 4.0, Kind.CHANGE_VS_BASE, 2022, Reading.RELATIVE), 50.0, 52.0),
        (Target(2024, -2.0, Kind.CHANGE_VS_BASE, 2022, Reading.POINTS), 30.0, 28.0),
        (Target(2024, 33.3, Kind.CHANGE_VS_PREVIOUS, None, Reading.POINTS), 33.3, 66.6),
        (Target(2025, 1000.0, Kind.ABSOLUTE_CHANGE_VS_BASE), 8500.0, 9500.0),
        (Target(2024, 59.0, Kind.LEVEL), None, 59.0),
        (Target(2028, 65.0, Kind.RANK), None, 65.0),
    ],
    ids=["relative-decrease", "relative-increase", "points", "previous-year", "posts", "level", "rank"],
)
def test_absolute_target(target: Target, base: float | None, expected: float) -> None:
    assert absolute_target(target, base) == pytest.approx(expected)


def test_absolute_target_needs_the_base_value() -> None:
    a1 = load_programme(PS).indicator("A1")
    with pytest.raises(ProgrammeError, match="give the value of 2022"):
        absolute_target(a1.target(2024))
    assert absolute_target(a1.target(2028), 1000.0) == pytest.approx(900.0)


def test_unknown_programme_and_indicator() -> None:
    with pytest.raises(ProgrammeError, match=r"unknown programme 'nope'.*public_safety_2024_2028"):
        load_programme("nope")
    with pytest.raises(ProgrammeError, match="no indicator 'A99'"):
        load_programme(PS).indicator("A99")
    with pytest.raises(ProgrammeError, match="no target for 2024"):
        load_programme(PS).indicator("A13").target(2024)


# ---------------------------------------------------------------------------------------------- broken files
def _good() -> dict:
    return {
        "code": "demo", "name": {"kk": "к", "ru": "р", "en": "e"}, "period": [2024, 2026],
        "document": {"file": "x.txt", "place": "s.1"}, "coordinator": "ІІМ",
        "indicators": [{
            "code": "X1", "name": {"kk": "к", "ru": "р", "en": "e"}, "unit": "percent",
            "direction": "increase", "source": "administrative", "agencies": ["ІІМ"],
            "document": {"file": "x.txt", "place": "row 1"},
            "targets": {2024: {"value": 1.0, "kind": "level"}},
        }],
    }


def _broken(change) -> dict:
    data = _good()
    change(data)
    return data


def _ind(data: dict) -> dict:
    return data["indicators"][0]


BROKEN = [
    (lambda d: d.pop("period"), r"demo\.yaml: period: missing"),
    (lambda d: d.update(extra=1), r"extra: unknown key"),
    (lambda d: d.update(period=[2026, 2024]), r"period must be \[first_year, last_year\]"),
    (lambda d: d["name"].pop("kk"), r"name\.kk: missing"),
    (lambda d: d.update(indicators=[]), r"indicators must be a non-empty list"),
    (lambda d: _ind(d).update(unit="percents"), r"indicators\[0\] \(X1\)\.unit: 'percents' is not one of: percent"),
    (lambda d: _ind(d).update(direction="up"), r"\(X1\)\.direction: 'up' is not one of: increase, decrease"),
    (lambda d: _ind(d).update(source="survey"), r"\(X1\)\.definition: missing: a survey indicator needs"),
    (lambda d: _ind(d).update(agencies=[]), r"\(X1\)\.agencies: expected a non-empty list"),
    (lambda d: _ind(d)["targets"].update({2030: {"value": 1, "kind": "level"}}),
     r"\(X1\)\.targets\.2030: year outside the programme period 2024-2026"),
    (lambda d: _ind(d)["targets"].update({2025: {"value": "59 %", "kind": "level"}}),
     r"targets\.2025\.value: expected a number, got str '59 %'"),
    (lambda d: _ind(d)["targets"].update({2025: {"value": 1, "kind": "approx"}}),
     r"targets\.2025\.kind: 'approx' is not one of: level, at_least"),
    (lambda d: _ind(d)["targets"].update({2025: {"value": -3, "kind": "change_vs_base"}}),
     r"targets\.2025\.base_year: missing: a change_vs_base target needs its base year"),
    (lambda d: _ind(d)["targets"].update({2025: {"value": -3, "kind": "change_vs_base", "base_year": 2022}}),
     r"targets\.2025\.reading: missing: say whether the change is relative or in points"),
    (lambda d: _ind(d)["targets"].update({2025: {"value": 5, "kind": "level", "base_year": 2022}}),
     r"targets\.2025\.base_year: only change targets have a base year"),
    (lambda d: d["indicators"].append(_good()["indicators"][0]), r"indicator code 'X1' is used twice"),
    (lambda d: d.update(code="other"), r"code 'other' must equal the file name \('demo'\)"),
    (lambda d: _ind(d).update(source="survey", definition={"population": "adults", "statistic": "median",
                                                            "rule": "r", "measures": []}),
     r"\(X1\)\.definition\.statistic: 'median' is not one of: proportion"),
    (lambda d: _ind(d).update(source="survey", definition={
        "population": "adults", "statistic": "proportion", "rule": "r",
        "measures": [{"instrument": "public_safety", "versions": [2024],
                      "components": [{"item": "q", "numerator": ["yes"]}]}]}),
     r"measures\[0\]\.versions: expected a list of quoted version names"),
    (lambda d: d.update(populations={"adult": {"lonely_psu": "adjust"}}),
     r"populations\.adult: unknown key \(allowed: adults, pupils"),
    (lambda d: d.update(populations={"adults": {"lonely_psu": "error"}}),
     r"populations\.adults\.lonely_psu: 'error' is not one of: certainty, adjust, centered, remove"),
    (lambda d: d.update(populations={"adults": {"lonely": "adjust"}}), r"populations\.adults\.lonely: unknown key"),
]


@pytest.mark.parametrize(("change", "message"), BROKEN, ids=[m for _, m in BROKEN])
def test_broken_programme_gives_a_clear_error(tmp_path: Path, change, message: str) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(_broken(change), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProgrammeError, match=message) as info:
        load_programme(path)
    assert str(path) in str(info.value)  # the message names the file
    assert isinstance(info.value, AnalysisError)


def test_good_minimal_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(_good(), allow_unicode=True), encoding="utf-8")
    programme = load_programme(path)
    assert programme.indicator("X1").target(2024).kind is Kind.LEVEL


def test_single_psu_rule_per_population_defaults_to_adjust(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(_good(), allow_unicode=True), encoding="utf-8")
    assert load_programme(path).population("adults").lonely_psu is LonelyPSU.ADJUST
    data = _good() | {"populations": {"pupils": {"lonely_psu": "remove"}, "adults": {"lonely_psu": "certainty"}}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    programme = load_programme(path)
    assert programme.population("pupils").lonely_psu is LonelyPSU.REMOVE
    assert programme.population("adults").lonely_psu is LonelyPSU.CERTAINTY
    assert programme.population("police_employees").lonely_psu is LonelyPSU.ADJUST


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text("code: demo\nname: {kk: a\n", encoding="utf-8")
    with pytest.raises(ProgrammeError, match=r"demo\.yaml:\d+: not valid YAML"):
        load_programme(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError, match="cannot read the file"):
        load_programme(tmp_path / "absent.yaml")


def test_parse_without_a_file_name_skips_the_name_check() -> None:
    assert parse_programme(_good(), "<memory>").code == "demo"

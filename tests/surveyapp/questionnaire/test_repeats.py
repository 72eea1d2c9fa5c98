"""Repeat groups (rosters): the model, the validator, and reading and checking a repeat page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook
from pyxform.xls2xform import convert

from surveyapp.questionnaire import InvalidQuestionnaireError, QuestionnaireVersion, load_version, routing
from surveyapp.questionnaire.expression import Expression
from surveyapp.questionnaire.xlsform import write_xlsform
from surveyapp.questionnaire.xlsform_import import import_xlsform

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "repeats" / "household.yaml"


@pytest.fixture
def household(write: Callable[..., Path]) -> QuestionnaireVersion:
    return load_version(write(FIXTURE.read_text(encoding="utf-8"), instrument="household"))


def _problems(write: Callable[..., Path], old: str, new: str) -> str:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(InvalidQuestionnaireError) as caught:
        load_version(write(text.replace(old, new), instrument="household"))
    return str(caught.value)


def test_the_repeat_is_read_with_its_count_and_max(household: QuestionnaireVersion) -> None:
    members = household.section("members")
    assert members.repeat is not None
    assert members.repeat.max == 10
    assert members.repeat.count == Expression.parse("household_size")
    assert household.repeat_of("member_age") is members
    assert household.repeat_of("household_size") is None


def test_count_must_read_an_earlier_number(write: Callable[..., Path]) -> None:
    message = _problems(write, "count: household_size", "count: comment")
    assert "repeat count refers to 'comment', which is not asked before the repeat" in message
    assert "household.yaml" in message or "2025.yaml:" in message


def test_max_must_be_at_least_one(write: Callable[..., Path]) -> None:
    message = _problems(write, "max: 10\n    items", "max: 0\n    items")
    assert "repeat max must be a whole number from 1 to 50, got 0" in message


def test_a_bare_reference_to_a_repeated_item_from_outside_is_refused(write: Callable[..., Path]) -> None:
    message = _problems(write, 'calculation: "sum(member_age)"', 'calculation: "member_age + 1"')
    assert "refers to 'member_age', asked once per instance of repeat 'members'" in message
    assert "sum(member_age)" in message


def test_a_repeat_is_no_value(write: Callable[..., Path]) -> None:
    message = _problems(write, 'calculation: "sum(member_age)"', 'calculation: "members + 1"')
    assert "uses repeat 'members' as a value" in message


def test_instances_follow_the_count_and_relevance_is_per_instance(household: QuestionnaireVersion) -> None:
    answers = {
        "household_size": 2,
        "members": [
            {"member_age": 40, "member_victim": "yes"},
            {"member_age": 8, "member_victim": "no"},
            {"member_age": 3},
        ],
    }
    kept = routing.prune_hidden(household, answers)
    # A third instance beyond the count goes; the child's victim answer is not relevant (age < 14).
    assert kept["members"] == [
        {"member_age": 40, "member_victim": "yes", "member_number": 1},
        {"member_age": 8, "member_number": 2},
    ]
    assert kept["adults_total"] == 48


def test_a_repeat_page_reads_each_instance_and_names_the_instance_in_errors(household: QuestionnaireVersion) -> None:
    form = {
        "members.count": ["2"],
        "members.1.member_age": ["35"],
        "members.1.member_victim": [""],
        "members.2.member_age": ["abc"],
    }
    page = routing.validate_page(household, "members", form, {"household_size": 2}, "ru")
    assert set(page.errors) == {"members.1.member_victim", "members.2.member_age"}
    assert page.answers == {"members": [{"member_age": 35, "member_number": 1}, {"member_number": 2}]}


def test_repeat_functions() -> None:
    answers = {"members": [{"age": 30, "victim": "yes"}, {"age": 5}], "size": 2}
    assert Expression.parse("count(members)").evaluate(answers) == 2
    assert Expression.parse("sum(age)").evaluate(answers) == 35
    assert Expression.parse("indexed_repeat(age, members, 2)").evaluate(answers) == 5
    assert Expression.parse("indexed_repeat(age, members, 3)").evaluate(answers) is None
    assert Expression.parse("position()").evaluate({"__position__": 3}) == 3
    assert Expression.parse("count(members)").evaluate({}) == 0


def test_export_to_xlsform_converts_with_pyxform_and_imports_back(
    household: QuestionnaireVersion, tmp_path: Path, write: Callable[..., Path]
) -> None:
    out = tmp_path / "household.xlsx"
    write_xlsform(household, out)
    warnings: list[str] = []
    xform = convert(str(out), warnings=warnings).xform
    assert warnings == []
    assert 'jr:count=" /data/household/household_size "' in xform
    assert 'nodeset="/data/members"' in xform
    assert "position(..)" in xform and "sum( /data/members/member_age )" in xform
    imported = import_xlsform(out, "household", "2025", "adults")
    assert imported.problems == []
    document = yaml.safe_load(imported.yaml_text)
    [members] = [s for s in document["sections"] if s["code"] == "members"]
    assert members["repeat"] == {
        "label": household.section("members").repeat.label.as_dict(),
        "count": "household_size",
        "max": 20,
    }
    document["title"] = household.title.as_dict()
    back = load_version(write(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), instrument="household"))
    assert [(i.code, i.type, i.relevant, i.calculation) for i in back.items] == [
        (i.code, i.type, i.relevant, i.calculation) for i in household.items
    ]
    assert back.section("members").repeat.count == household.section("members").repeat.count


def test_xlsform_repeats_import_and_loops_are_refused(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in [
        ["type", "name", "label::Kazakh (kk)", "label::Russian (ru)", "repeat_count", "relevant"],
        ["integer", "size", "Саны", "Число", "", ""],
        ["begin repeat", "members", "Мүше", "Член", "${size}", ""],
        ["integer", "member_age", "Жасы", "Возраст", "", ""],
        ["text", "member_job", "Жұмыс", "Работа", "", "${member_age} >= 16 and position(..) > 0"],
        ["end repeat", "members", "", "", "", ""],
        ["begin_repeat", "incidents", "Оқиға", "Случай", "", ""],
        ["text", "what", "Не", "Что", "", ""],
        ["end_repeat", "", "", "", "", ""],
        ["begin loop over toilets", "loop_toilets", "", "", "", ""],
        ["integer", "number", "Саны", "Число", "", ""],
        ["end loop", "", "", "", "", ""],
    ]:
        sheet.append(row)
    path = tmp_path / "rosters.xlsx"
    book.save(path)
    imported = import_xlsform(path, "rosters", "1")
    [loop] = imported.errors
    assert loop.item == "loop_toilets" and "loop over 'toilets'" in loop.message and "begin_repeat" in loop.hint
    document = yaml.safe_load(imported.yaml_text)
    sections = {s["code"]: s for s in document["sections"]}
    assert sections["members"]["repeat"] == {"label": {"kk": "Мүше", "ru": "Член"}, "count": "size", "max": 20}
    assert [i["code"] for i in sections["members"]["items"]] == ["member_age", "member_job"]
    assert sections["members"]["items"][1]["relevant"] == "member_age >= 16 and position() > 0"
    assert sections["incidents"]["repeat"] == {"label": {"kk": "Оқиға", "ru": "Случай"}}
    assert "number" not in [i["code"] for s in document["sections"] for i in s["items"]]

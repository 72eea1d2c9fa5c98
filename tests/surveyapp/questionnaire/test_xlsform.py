"""XLSForm export (checked with pyxform, the converter KoboToolbox and ODK use) and import back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from surveyapp.questionnaire import QuestionnaireError, QuestionnaireVersion, load_version
from surveyapp.questionnaire.loader import expand_paths
from surveyapp.questionnaire.question_types import question_type
from surveyapp.questionnaire.xlsform import left_out, write_xlsform
from surveyapp.questionnaire.xlsform_import import import_xlsform
from tests.surveyapp.questionnaire.conftest import QUESTIONNAIRES, readme_example

SHIPPED = expand_paths([QUESTIONNAIRES])
IDS = [f"{p.parent.name}/{p.stem}" for p in SHIPPED]


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_export_converts_with_pyxform(path: Path, tmp_path: Path) -> None:
    version = load_version(path)
    out = tmp_path / "form.xlsx"
    write_xlsform(version, out)
    warnings: list[str] = []
    xform = convert(str(out), warnings=warnings).xform
    assert warnings == []
    for item in version.items:
        if item.type == "matrix":
            assert all(f"/{item.code}/{item.code}_{row.code}" in xform for row in item.rows)
        else:
            assert f'/{item.code}"' in xform, item.code
        if item.label.get("kk"):
            assert _xml(item.label.get("kk")) in xform
    for choice in (c for item in version.items if item.choices for c in item.choices.choices):
        assert _xml(choice.label.get("ru")) in xform
    book = load_workbook(out, read_only=True)
    survey = list(book["survey"].iter_rows(values_only=True))
    book.close()
    assert survey[0][:2] == ("type", "name")
    assert survey[1][:2] == ("acknowledge", "consent_given")  # no form is sent without the consent


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_what_the_workbook_cannot_hold_is_said() -> None:
    version = load_version(QUESTIONNAIRES / "child_protection" / "2025.yaml")
    said = "\n".join(left_out(version))
    assert "stratum" in said and "helplines" in said and "300 s" in said and "passive" in said
    assert "region" not in said.split("(")[1].split(")")[0]  # asked in the form, so not missing


def _semantics(version: QuestionnaireVersion) -> list[Any]:
    """Everything the form asks and checks, in a comparable shape (not the list names or line numbers)."""

    def choices(item: Any) -> Any:
        if item.choices is None:
            return None
        return [(c.code, c.label.as_dict(), c.value, c.special, c.parent, c.is_exclusive) for c in item.choices.choices]

    def expression(value: Any) -> Any:
        return value.node if value is not None else None

    sections = []
    for section in version.sections:
        items = []
        for item in section.items:
            length = question_type(item).length(item) if item.type in {"text", "long_text"} else None
            items.append(
                (
                    item.code, item.type, item.label.as_dict(), item.hint.as_dict() if item.hint else None,
                    item.required, expression(item.relevant), expression(item.constraint),
                    item.constraint_message.as_dict() if item.constraint_message else None,
                    item.choice_filter, expression(item.calculation),
                    [(r.code, r.label.as_dict()) for r in item.rows], item.min, item.max, item.min_choices,
                    item.max_choices, length, choices(item),
                )
            )  # fmt: skip
        sections.append((section.code, section.title.as_dict(), expression(section.relevant), items))
    return [version.languages, version.consent.text.as_dict() if version.consent else None, sections]


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_export_then_import_keeps_every_question_and_rule(path: Path, tmp_path: Path) -> None:
    original = load_version(path)
    workbook = tmp_path / "form.xlsx"
    write_xlsform(original, workbook)
    imported = import_xlsform(workbook, original.instrument, original.version, original.population)
    assert imported.problems == []
    document = yaml.safe_load(imported.yaml_text)
    # What XLSForm has no place for is added back by hand, as a researcher would after an import.
    document["title"] = original.title.as_dict()
    if original.consent and original.consent.parental_consent:
        document["consent"]["parental_consent"] = original.consent.parental_consent
    target = tmp_path / "questionnaires" / original.instrument / f"{original.version}.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _semantics(load_version(target)) == _semantics(original)


def _workbook(path: Path, survey: list[list[Any]], choices: list[list[Any]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices:
        sheet = book.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language"])
    settings.append(["Қауіпсіздік", "kobo_form", "Kazakh (kk)"])
    book.save(path)
    return path


def test_a_kobo_style_workbook(tmp_path: Path, write: Callable[..., Path]) -> None:
    header = ["type", "name", "label::Kazakh (kk)", "label::Russian (ru)", "required", "relevant", "constraint",
              "appearance", "hint::Russian (ru)"]  # fmt: skip
    path = _workbook(
        tmp_path / "kobo.xlsx",
        [
            header,
            ["start", "start"],
            ["acknowledge", "consent", "Келісемін", "Согласен(на)", "yes"],
            ["begin_group", "about", "Сіз туралы", "О вас"],
            ["integer", "age", "Жасыңыз", "Ваш возраст", "yes", "", ". >= 18 and . <= 110"],
            [
                "select_multiple seen",
                "seen",
                "Не көрдіңіз?",
                "Что вы видели?",
                "",
                "${age} >= 18",
                "count-selected(.) <= 2",
            ],
            [
                "text",
                "other",
                "Басқа",
                "Другое",
                "",
                "selected(${seen}, 'other') and ${age} != ''",
                "",
                "multiline",
                "Кратко",
            ],
            ["end_group", "about"],
        ],
        [
            ["list_name", "name", "label::Kazakh (kk)", "label::Russian (ru)"],
            ["seen", "fights", "Төбелес", "Драки"],
            ["seen", "theft", "Ұрлық", "Кражи"],
            ["seen", "other", "Басқа", "Другое"],
        ],
    )
    imported = import_xlsform(path, "kobo_form", "2026")
    assert [str(p) for p in imported.problems] == [
        f"{path}:survey:2: warning: [start] metadata 'start' is not imported (fix: start/end times and the device "
        "class are kept as paradata of every response)"
    ]
    document = yaml.safe_load(imported.yaml_text)
    assert document["consent"] == {"mode": "adult", "text": {"kk": "Келісемін", "ru": "Согласен(на)"}}
    [section] = document["sections"]
    age, seen, other = section["items"]
    assert age == {"code": "age", "type": "integer", "label": {"kk": "Жасыңыз", "ru": "Ваш возраст"},
                   "required": True, "min": 18, "max": 110}  # fmt: skip
    assert seen["type"] == "multiple_choice" and seen["max_choices"] == 2 and seen["relevant"] == "age >= 18"
    assert other["type"] == "long_text" and other["hint"] == {"ru": "Кратко"}
    assert other["relevant"] == "selected(seen, 'other') and answered(age)"
    # The draft loads once what XLSForm does not say is added.
    document["title"] = {"kk": "Қауіпсіздік", "ru": "Безопасность"}
    document["sections"][0]["items"][2]["hint"]["kk"] = "Қысқаша"
    loaded = load_version(write(yaml.safe_dump(document, allow_unicode=True), "kobo_form", "2026"))
    assert loaded.item("other").relevant is not None
    assert loaded.item("other").relevant.is_true({"seen": ["other"], "age": 30})


def test_what_cannot_be_carried_over_names_sheet_and_row(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "bad.xlsx",
        [
            ["type", "name", "label", "relevant"],
            ["text", "name", "Name"],
            ["image", "where", "Photo of the place?"],
            ["begin_repeat", "children", "Children"],
            ["end_repeat", "children"],
            ["integer", "age", "Age", "pulldata('people', 'age', 'name', ${name}) > 3"],
            ["select_one nolist", "q", "Q"],
            ["select_one yesno or_other", "r", "R"],
        ],
        [["list_name", "name", "label"], ["yesno", 1.0, "Yes"], ["yesno", 2, "No"]],
    )
    problems = [str(p) for p in import_xlsform(path, "bad", "1").errors]
    assert problems[0].startswith(f"{path}:survey:3: [where] media question 'image' cannot be imported")
    assert problems[1].startswith(f"{path}:survey:4: [children] repeat 'children' has no questions")
    assert problems[2] == (
        f"{path}:survey:6: [age] relevant \"pulldata('people', 'age', 'name', ${{name}}) > 3\" cannot be carried over: "
        "pulldata() has no equivalent here (fix: rewrite it with =, !=, <, >, and, or, not, selected(), "
        "count_selected(), answered(), if(), concat(), regex(), selected-at(), today(), now(), coalesce(), "
        "string-length(), substr(), round(), int(), number(), jr:choice-name(value, '${question}'))"
    )
    assert problems[3].startswith(f"{path}:survey:7: [q] type 'select_one nolist': no list 'nolist'")
    assert len(problems) == 4  # or_other is imported as pyxform reads it: a choice 'other' and a text question


def test_numeric_choice_names_become_codes_keeping_the_number(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "numbers.xlsx",
        [["type", "name", "label"], ["select_one yesno", "q", "Q"]],
        [["list_name", "name", "label"], ["yesno", 1.0, "Yes"], ["yesno", 2, "No"]],
    )
    document = yaml.safe_load(import_xlsform(path, "numbers", "1").yaml_text)
    # 1.0 as openpyxl reads a number cell is the name 1, as typed; the code is c_1 and the number its value.
    assert [(c["code"], c["value"]) for c in document["choice_lists"]["yesno"]] == [("c_1", 1), ("c_2", 2)]


def test_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"not a readable \.xlsx workbook"):
        import_xlsform(path, "x", "1")


def test_readme_example_round_trip(tmp_path: Path, write: Callable[..., Path]) -> None:
    original = load_version(write(readme_example()))
    workbook = tmp_path / "example.xlsx"
    write_xlsform(original, workbook)
    assert convert(str(workbook)).xform
    assert import_xlsform(workbook, original.instrument, original.version).problems == []

"""XLSForm import of what real workbooks hold: nothing they say may be dropped without a word."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlrd
import yaml
from openpyxl import Workbook

from surveyapp.questionnaire import QuestionnaireError, load_version
from surveyapp.questionnaire.problem import Severity
from surveyapp.questionnaire.text import LocalizedText
from surveyapp.questionnaire.xlsform import choice_rows, survey_rows, write_xlsform
from surveyapp.questionnaire.xlsform_import import import_xlsform

FIXTURES = Path(__file__).parents[2] / "fixtures" / "xlsforms"


def _book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _messages(path: Path) -> list[str]:
    return [str(p) for p in import_xlsform(path, "form", "1").problems]


def test_a_loop_with_single_colon_labels_is_refused_not_flattened() -> None:
    # pyxform's own example: `begin loop over toilet_type` and `label:english` columns.
    path = FIXTURES / "pyxform" / "loop.xlsx"
    imported = import_xlsform(path, "loop", "1")
    [loop] = [p for p in imported.errors if p.item == "loop_toilet_types"]
    assert loop.line == 3
    assert loop.message.startswith("loop over 'toilet_type' 'loop_toilet_types' cannot be imported: its 1 question")
    assert "rows 3-5" in loop.message and "matrix" in loop.hint
    document = yaml.safe_load(imported.yaml_text)
    codes = [item["code"] for section in document["sections"] for item in section["items"]]
    assert "number" not in codes  # not a question asked once


def test_every_spelling_of_a_repeat_imports_and_a_misplaced_one_is_refused(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "repeats.xlsx",
        {
            "survey": [
                ["type", "name", "label:English", "repeat_count"],
                ["begin repeat", "members", "Members", "3"],
                ["text", "member_name", "Name"],
                ["begin_group", "inner", "Inner"],
                ["integer", "member_age", "Age"],
                ["end_group", "inner"],
                ["end repeat", "members"],
                ["begin_repeat", "incidents", "Incidents"],
                ["text", "what", "What happened"],
                ["end_repeat"],
                ["begin looped group", "plots", "Plots"],
                ["decimal", "area", "Area"],
                ["end looped group"],
                ["begin_group", "g", "Group"],
                ["text", "kept", "Kept"],
                ["begin repeat", "nested", "Nested"],
                ["text", "lost", "Lost"],
                ["end repeat"],
                ["end group"],
                ["begin repeat", "open", "Never closed"],
                ["text", "unclosed", "Unclosed"],
            ]
        },
    )
    imported = import_xlsform(path, "form", "1")
    refused = {p.item: p for p in imported.errors if "cannot be imported" in p.message}
    assert set(refused) == {"nested"}
    assert refused["nested"].line == 16 and "its 1 question(s) (rows 16-18)" in refused["nested"].message
    assert "top level" in refused["nested"].hint
    [unclosed] = [p for p in imported.errors if "not closed" in p.message]
    assert unclosed.line == 20 and "end_repeat" in unclosed.hint
    [group] = [p for p in imported.problems if p.item == "inner"]
    assert "inside repeat 'members'" in group.message
    document = yaml.safe_load(imported.yaml_text)
    sections = {s["code"]: s for s in document["sections"]}
    assert sections["members"]["repeat"] == {"label": {"en": "Members"}, "count": 3, "max": 3}
    assert [i["code"] for i in sections["members"]["items"]] == ["member_name", "member_age"]
    assert sections["incidents"]["repeat"] == {"label": {"en": "Incidents"}}
    assert sections["plots"]["repeat"] == {"label": {"en": "Plots"}}  # pyxform's older spelling of a repeat
    assert [i["code"] for i in sections["g"]["items"]] == ["kept"]
    assert sections["g"]["title"] == {"en": "Group"}  # label:English read like label::English


def test_whatever_is_not_understood_is_said(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "each.xlsx",
        {
            "survey": [
                ["type", "name", "Label", "default", "media::image", "appearance", "required", "calculation"],
                ["integer", "age", "Age", "30", "age.png", "minimal", "${x} = 1", "2"],
                ["range", "slider", "Slider"],
                ["", "untyped", "No type"],
                ["text", "name", "Name", "", "", "multiline field-list"],
                ["end_group"],
            ],
            "choices": [["list_name", "name", "label", "region"], ["unused", "a", "A", "north"]],
            "settings": [["form_title", "style", "default_language"], ["Form", "pages", "Deutsch"]],
            "external_choices": [["list_name", "name"], ["towns", "x"]],
        },
    )
    found = _messages(path)
    expected = [
        ":survey:2: warning: column 'default' is not imported (1 row(s) fill it)",
        ":survey:2: warning: column 'media::image' is not imported",
        ":survey:2: warning: [age] appearance 'minimal' is not imported",
        ":survey:2: [age] required '${x} = 1' cannot be imported",
        ":survey:2: warning: [age] calculation '2' of a integer question is not imported",
        ":survey:3: [slider] type 'range' cannot be imported",
        ":survey:4: [untyped] type '' cannot be imported",
        ":survey:6: end_group without a begin_group",
        ":choices:2: warning: column 'region' is not imported",
        ":choices:2: warning: choice list 'unused' is not used",
        ":settings:2: warning: column 'style' is not imported",
        ":settings:2: warning: default_language 'Deutsch' is not kk, ru or en",
        ":external_choices:2: warning: sheet 'external_choices' is not imported",
    ]
    for text in expected:
        assert any(text in message for message in found), (text, found)
    assert not any("multiline" in m or "field-list" in m for m in found)
    assert all(p.severity in {Severity.ERROR, Severity.WARNING} for p in import_xlsform(path, "f", "1").problems)


def _questions(path: Path) -> list[tuple[str, str, dict[str, str]]]:
    imported = import_xlsform(path, "form", "1")
    assert imported.errors == [], [str(p) for p in imported.errors]
    document = yaml.safe_load(imported.yaml_text)
    return [(i["code"], i["type"], i.get("label", {})) for s in document["sections"] for i in s["items"]]


TEXT_AND_INTEGER = [
    ("your_name", "text", {"en": "What is your name?"}),
    ("your_age", "integer", {"en": "How many years old are you?"}),
]


def test_an_xls_workbook_imports_like_xlsx() -> None:
    assert _questions(FIXTURES / "pyxform" / "text_and_integer.xls") == TEXT_AND_INTEGER
    imported = import_xlsform(FIXTURES / "pyxform" / "repeat_date_test.xls", "form", "1")
    assert imported.errors == []
    document = yaml.safe_load(imported.yaml_text)
    assert [s["code"] for s in document["sections"] if "repeat" in s] == ["repeat_test"]
    notes = [i for s in document["sections"] for i in s["items"] if i["type"] == "note"]
    assert [(n["code"], n["label"]) for n in notes] == [
        ("note_row2", {"kk": "2012-12-12 00:00:00"}),  # an Excel date cell, read as pyxform reads it
        ("note_row8", {"kk": "test end"}),
    ]


def test_a_pyxform_csv_imports_like_xlsx() -> None:
    # One CSV with the sheet name in the first column, as pyxform's xls2xform reads it; lines are file lines.
    assert _questions(FIXTURES / "pyxform" / "text_and_integer.csv") == TEXT_AND_INTEGER
    imported = import_xlsform(FIXTURES / "pyxform" / "simple_loop.csv", "form", "1")
    [loop] = imported.errors
    assert (loop.item, loop.line) == ("my_table", 3)


def _sheets_as_csv(source: Path) -> dict[str, str]:
    """The sheets of a fetched .xls workbook, written out one CSV per sheet as Excel's "save as CSV" would."""
    book = xlrd.open_workbook(source)
    files = {}
    for sheet in book.sheets():
        if sheet.nrows:
            out = io.StringIO()
            csv.writer(out).writerows(sheet.row_values(r) for r in range(sheet.nrows))
            files[f"{sheet.name}.csv"] = out.getvalue()
    return files


def test_a_folder_or_zip_of_csv_sheets_imports_like_xlsx(tmp_path: Path) -> None:
    files = _sheets_as_csv(FIXTURES / "pyxform" / "text_and_integer.xls")
    folder = tmp_path / "form"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert _questions(folder) == TEXT_AND_INTEGER
    archive = tmp_path / "form.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, text in files.items():
            zipped.writestr(f"form/{name}", text)
    assert _questions(archive) == TEXT_AND_INTEGER


def test_unreadable_workbooks_say_what_is_read(tmp_path: Path) -> None:
    for name, content in (("form.xls", b"not excel"), ("form.zip", b"not a zip"), ("form.csv", b"\xff\xfe\x00x")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(QuestionnaireError, match=r"\.xls \(Excel 97-2003\)|UTF-8"):
            import_xlsform(path, "x", "1")
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zipped:
        zipped.writestr("readme.txt", "x")
    with pytest.raises(QuestionnaireError, match=r"no survey\.csv"):
        import_xlsform(empty, "x", "1")


def test_other_languages_are_kept_as_extra_with_a_warning_and_exported_back(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "languages.xlsx",
        {
            "survey": [
                ["type", "name", "label::Kazakh (kk)", "label::Russian (ru)", "label::French (fr)", "hint::Deutsch"],
                ["select_one yn", "q", "Сұрақ", "Вопрос", "Question", "Hinweis"],
            ],
            "choices": [
                ["list_name", "name", "label::Kazakh (kk)", "label::Russian (ru)", "label::French (fr)"],
                ["yn", "yes", "Иә", "Да", "Oui"],
            ],
        },
    )
    imported = import_xlsform(path, "form", "1")
    assert imported.errors == []
    said = [str(p) for p in imported.problems]
    assert f"{path}:survey:2: warning: column(s) 'label::French (fr)', 'hint::Deutsch' are in a language other " \
        "than kk, ru or en: kept as extra languages" in said[0]  # fmt: skip
    assert "'label::French (fr)' are in a language other" in said[1] and ":choices:2:" in said[1]
    document = yaml.safe_load(imported.yaml_text)
    assert document["languages"] == ["kk", "ru"]
    question = document["sections"][0]["items"][0]
    assert question["label"] == {"kk": "Сұрақ", "ru": "Вопрос", "extra": {"French (fr)": "Question"}}
    assert question["hint"] == {"extra": {"Deutsch": "Hinweis"}}
    assert document["choice_lists"]["yn"][0]["label"] == {"kk": "Иә", "ru": "Да", "extra": {"French (fr)": "Oui"}}
    # The kk/ru rule still holds: a hint in German only needs its Kazakh and Russian before publishing.
    question["hint"] |= {"kk": "Кеңес", "ru": "Подсказка"}
    document["title"] = document["sections"][0]["title"] = {"kk": "Сауалнама", "ru": "Анкета"}
    # Published, no respondent reads French or German; the XLSForm export gives them back.
    document["consent"] = {"mode": "adult", "text": {"kk": "Сауалнама жасырын.", "ru": "Опрос анонимный."}}
    document["population"] = "adults"
    draft = tmp_path / "questionnaires" / "form" / "1.yaml"
    draft.parent.mkdir(parents=True)
    draft.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    version = load_version(draft)
    label = version.sections[0].items[0].label
    assert label.as_dict() == {"kk": "Сұрақ", "ru": "Вопрос"} and label.extra == (("French (fr)", "Question"),)
    assert version.sections[0].items[0].hint == LocalizedText("Кеңес", "Подсказка", extra=(("Deutsch", "Hinweis"),))
    rows = {row["name"]: row for row in survey_rows(version)}
    assert rows["q"]["label::French (fr)"] == "Question" and rows["q"]["hint::Deutsch"] == "Hinweis"
    assert choice_rows(version)[0]["label::French (fr)"] == "Oui"
    write_xlsform(version, tmp_path / "back.xlsx")
    again = yaml.safe_load(import_xlsform(tmp_path / "back.xlsx", "form", "1").yaml_text)
    assert again["sections"][0]["items"][0]["label"]["extra"] == {"French (fr)": "Question"}


def test_missing_kazakh_and_russian_are_named_with_the_fix(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "english.xlsx",
        {"survey": [["type", "name", "label::English (en)", "label::Español (es)"], ["text", "q", "Q", "P"]]},
    )
    imported = import_xlsform(path, "form", "1")
    assert imported.errors == []
    [other, missing] = imported.problems
    assert "'label::Español (es)'" in other.message
    assert missing.line == 1 and missing.severity is Severity.WARNING
    assert missing.message.startswith("no texts in Kazakh (kk) and Russian (ru)")
    assert "label::Kazakh (kk) and label::Russian (ru)" in missing.hint


def test_dates_times_locations_and_acknowledgements_are_imported() -> None:
    # pyxform's widget gallery: one question of each kind ODK draws.
    imported = import_xlsform(FIXTURES / "pyxform" / "widgets.xls", "widgets", "1")
    document = yaml.safe_load(imported.yaml_text)
    types = {i["code"]: i["type"] for s in document["sections"] for i in s["items"]}
    assert (types["my_date"], types["my_time"], types["datetime"]) == ("date", "time", "datetime")
    assert types["my_geopoint"] == types["locationmap"] == "geopoint"
    media = {p.item: p for p in imported.errors if p.message.startswith("media question")}
    assert set(media) == {"my_barcode", "my_image", "my_audio", "my_video"}
    assert "in words" in media["my_image"].hint
    assert [p for p in imported.errors if p.item not in media] == []
    assert types["my_trigger"] == "acknowledge"  # pyxform's older word
    assert not any("constraintmsg" in p.message for p in imported.problems)  # bind:jr:constraintMsg is read
    assert _questions(FIXTURES / "pyxform" / "gps.xls") == [("location", "geopoint", {"kk": "GPS"})]
    assert _questions(FIXTURES / "pyxform" / "default_time_demo.xls")[0][:2] == ("start_time", "time")


def test_a_location_is_never_required_by_the_import(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "where.xlsx",
        {
            "survey": [
                ["type", "name", "label", "required"],
                ["begin_group", "home", "Home"],
                ["geopoint", "where", "Where do you live?", "yes"],
                ["acknowledge", "read_rules", "I have read the rules", "yes"],
                ["note", "thanks", "Thank you"],
                ["end_group"],
            ]
        },
    )
    imported = import_xlsform(path, "form", "1")
    assert imported.errors == []
    [warning] = [p for p in imported.problems if p.item == "where"]
    assert warning.severity is Severity.WARNING and "anonymity" in warning.message
    items = yaml.safe_load(imported.yaml_text)["sections"][0]["items"]
    assert items == [
        {"code": "where", "type": "geopoint", "label": {"kk": "Where do you live?"}},
        {"code": "read_rules", "type": "acknowledge", "label": {"kk": "I have read the rules"}, "required": True},
        {"code": "thanks", "type": "note", "label": {"kk": "Thank you"}},
    ]


def test_the_functions_real_forms_use_are_imported(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "functions.xlsx",
        {
            "survey": [
                ["type", "name", "label", "constraint", "relevant", "calculation"],
                ["text", "iin", "IIN", "regex(., '^[0-9]{12}$')"],
                ["select_multiple seen", "seen", "Seen"],
                ["calculate", "first", "", "", "", "selected-at(${seen}, 0)"],
                ["calculate", "group", "", "", "", "if(count-selected(${seen}) > 1, 'many', concat('1: ', ${first}))"],
                ["date", "visit", "Visit", ". <= today()"],
                ["text", "why", "Why", "", "selected-at(${seen}, 0) = 'theft'"],
                ["text", "nick", "Nickname", "string-length(.) >= 2"],
                ["integer", "members", "Members"],
                ["decimal", "income", "Income"],
                ["calculate", "per_head", "", "", "", "round(${income} div ${members}, 1)"],
                ["calculate", "call_as", "", "", "", "coalesce(${nick}, substr(${iin}, 0, 2))"],
                ["calculate", "whole", "", "", "", "int(number(${income}))"],
                ["calculate", "started", "", "", "", "now()"],
                ["calculate", "seen_first", "", "", "", "jr:choice-name(selected-at(${seen}, 0), '${seen}')"],
                ["text", "about", "About", "", "jr:choice-name(${seen}, \"${seen}\") != 'Fraud'"],
            ],
            "choices": [["list_name", "name", "label"], ["seen", "theft", "Theft"], ["seen", "fraud", "Fraud"]],
        },
    )
    imported = import_xlsform(path, "form", "1")
    assert imported.errors == []
    items = {i["code"]: i for s in yaml.safe_load(imported.yaml_text)["sections"] for i in s["items"]}
    assert items["iin"]["constraint"] == "regex(., '^[0-9]{12}$')"
    assert items["first"]["calculation"] == "selected_at(seen, 0)"
    assert items["group"]["calculation"] == "if(count_selected(seen) > 1, 'many', concat('1: ', first))"
    assert items["visit"]["max"] == "today"
    assert items["why"]["relevant"] == "selected_at(seen, 0) = 'theft'"
    assert items["nick"]["constraint"] == "string_length(.) >= 2"
    assert items["per_head"]["calculation"] == "round(income / members, 1)"
    assert items["call_as"]["calculation"] == "coalesce(nick, substr(iin, 0, 2))"
    assert items["whole"]["calculation"] == "int(number(income))"
    assert items["started"]["calculation"] == "now()"
    assert items["seen_first"]["calculation"] == "choice_name(selected_at(seen, 0), seen)"
    assert items["about"]["relevant"] == "choice_name(seen, seen) != 'Fraud'"


def test_or_other_and_typographic_quotes_are_read_as_pyxform_reads_them(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "other.xlsx",
        {
            "survey": [
                ["type", "name", "label", "relevant"],
                ["select_one kind or_other", "kind", "Kind"],
                ["text", "why", "Why", "${kind} = \u2018theft\u2019"],
            ],
            "choices": [["list_name", "name", "label"], ["kind", "theft", "“Theft”"], ["kind", "fraud", "Fraud"]],
        },
    )
    imported = import_xlsform(path, "other", "1")
    assert imported.errors == []
    document = yaml.safe_load(imported.yaml_text)
    items = {i["code"]: i for s in document["sections"] for i in s["items"]}
    assert items["kind_other"]["relevant"] == "selected(kind, 'other')"
    assert items["kind_other"]["type"] == "text"
    assert items["why"]["relevant"] == "kind = 'theft'"
    codes = [c["code"] for c in document["choice_lists"]["kind"]]
    assert codes == ["theft", "fraud", "other"]
    assert document["choice_lists"]["kind"][0]["label"]["kk"] == "“Theft”"  # texts keep their typography
    assert any("or_other: a choice 'other' is added" in str(p) for p in imported.problems)


def test_choice_names_that_are_not_codes_are_renamed_with_the_rules_that_use_them(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "kobo.xlsx",
        {
            "survey": [
                ["type", "name", "label", "relevant", "choice_filter"],
                ["select_one yn", "victim", "Victim?"],
                ["select_multiple where", "where", "Where?", "${victim} = '1'"],
                ["text", "street", "Street", "selected(${where}, '2') and ${victim} != 2"],
                ["select_one region", "region", "Region"],
                ["select_one city", "city", "City", "", "region=${region}"],
                ["select one from yn or_other", "again", "Again?"],
            ],
            "choices": [
                ["list_name", "name", "label", "region"],
                ["yn", 1, "Yes"],
                ["yn", 2, "No"],
                ["where", "1", "Home"],
                ["where", "2", "Street"],
                ["region", "10", "North"],
                ["region", "South", "South"],
                ["city", "king", "King", "10"],
                ["city", "king", "King", "South"],
            ],
        },
    )
    imported = import_xlsform(path, "kobo", "1")
    assert imported.errors == []
    document = yaml.safe_load(imported.yaml_text)
    lists = document["choice_lists"]
    assert [(c["code"], c.get("value")) for c in lists["yn"]] == [("c_1", 1), ("c_2", 2), ("other", None)]
    assert [c["code"] for c in lists["region"]] == ["c_10", "south"]
    # The same name under two parents of a cascading list gets a code of its own, its parent column renamed.
    assert [(c["code"], c["columns"]["region"]) for c in lists["city"]] == [("king", "c_10"), ("king_2", "south")]
    items = {i["code"]: i for s in document["sections"] for i in s["items"]}
    assert items["where"]["relevant"] == "victim = 'c_1'"
    assert items["street"]["relevant"] == "selected(where, 'c_2') and victim != 'c_2'"
    assert items["again"]["type"] == "single_choice" and "again_other" in items
    warnings = [str(p) for p in imported.problems if "are renamed" in str(p)]
    assert any("list 'yn'" in w and "'1' -> 'c_1'" in w for w in warnings)
    assert any("list 'city'" in w and "'king' -> 'king_2'" in w for w in warnings)


def test_media_questions_are_refused_or_left_out_on_request(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "media.xlsx",
        {
            "survey": [
                ["type", "name", "label"],
                ["text", "name_of_place", "Place"],
                ["image", "photo", "Photo"],
                ["imei", "imei"],
                ["uri:deviceid", "device"],
            ],
        },
    )
    refused = import_xlsform(path, "media", "1")
    assert [p.item for p in refused.errors] == ["photo"]
    assert "--leave-out-media" in str(refused.errors[0])
    kept = import_xlsform(path, "media", "1", leave_out_media=True)
    assert kept.errors == []
    left_out = {p.item: str(p) for p in kept.problems}
    assert "media question 'image' is left out" in left_out["photo"]
    assert "metadata 'imei' is not imported" in left_out["imei"]
    assert "metadata 'uri:deviceid' is not imported" in left_out["device"]
    items = [i["code"] for s in yaml.safe_load(kept.yaml_text)["sections"] for i in s["items"]]
    assert items == ["name_of_place"]


def test_item_names_that_are_not_codes_are_renamed_everywhere_and_given_back_on_export(tmp_path: Path) -> None:
    from surveyapp.questionnaire import load_version
    from surveyapp.questionnaire.xlsform import survey_rows
    from tests.surveyapp.xlsform_corpus import completed, write

    path = _book(
        tmp_path / "odk.xlsx",
        {
            "survey": [
                [
                    "type",
                    "name",
                    "label",
                    "relevant",
                    "constraint",
                    "calculation",
                    "repeat_count",
                    "constraint_message",
                ],
                ["integer", "HPlevel", "Level", "", ". < 10", "", "", "Less than 10"],
                ["integer", "hplevel", "Another level (its code is taken)"],
                [
                    "text",
                    "Why",
                    "Why level ${HPlevel}?",
                    "${HPlevel} > 2",
                    "string-length(.) < ${HPlevel} * 20",
                    "",
                    "",
                    "Shorter",
                ],
                ["calculate", "Double", "", "", "", "${HPlevel} * 2"],
                ["begin_repeat", "Visits", "Visits", "", "", "", "${HPlevel}"],
                ["text", "place", "Place", "${Double} > 0"],
                ["end_repeat", "Visits"],
            ],
        },
    )
    imported = import_xlsform(path, "odk", "1")
    assert imported.errors == [], [str(p) for p in imported.errors]
    [warning] = [str(p) for p in imported.problems if "names that are not codes" in str(p)]
    assert "'HPlevel' -> 'hplevel_2'" in warning and "'Why' -> 'why'" in warning and "'Visits' -> 'visits'" in warning
    document = yaml.safe_load(imported.yaml_text)
    items = {i["code"]: i for s in document["sections"] for i in s["items"]}
    assert items["hplevel_2"]["xlsform_name"] == "HPlevel" and "xlsform_name" not in items["hplevel"]
    assert items["why"]["relevant"] == "hplevel_2 > 2"
    assert items["why"]["label"] == {"kk": "Why level ${hplevel_2}?"}
    assert items["double"]["calculation"] == "hplevel_2 * 2"
    assert items["place"]["relevant"] == "double > 0"
    [visits] = [s for s in document["sections"] if s["code"] == "visits"]
    assert visits["repeat"]["count"] == "hplevel_2"
    # The draft is valid as it stands (but for kk/ru texts), and an XLSForm export gives the names back.
    draft = write(tmp_path, completed(imported))
    rows = {row["name"]: row for row in survey_rows(load_version(draft))}
    assert {"HPlevel", "hplevel", "Why", "Double"} <= set(rows)
    assert rows["Why"]["relevant"] == "${HPlevel} > 2"
    assert rows["Double"]["calculation"] == "${HPlevel} * 2"


def test_a_constraint_without_a_message_gets_the_default_message_with_a_warning(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "rules.xlsx",
        {
            "survey": [
                ["type", "name", "label", "constraint", "constraint_message"],
                ["integer", "hours", "Hours", ". <= 24 and . != 13"],
                ["integer", "days", "Days", ". <= 7 and . != 3", "At most 7"],
            ],
        },
    )
    imported = import_xlsform(path, "rules", "1")
    assert imported.errors == []
    items = {i["code"]: i for s in yaml.safe_load(imported.yaml_text)["sections"] for i in s["items"]}
    message = items["hours"]["constraint_message"]
    assert set(message) == {"kk", "ru", "en"} and "ережесіне" in message["kk"] and "правилу" in message["ru"]
    assert items["days"]["constraint_message"] == {"kk": "At most 7"}  # the form's own message is kept
    [warning] = [str(p) for p in imported.problems if "without a constraint_message" in str(p)]
    assert "'hours'" in warning and "'days'" not in warning and "warning" in warning


def test_an_or_other_text_question_that_would_clash_is_renamed_with_its_references(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "other.xlsx",
        {
            "survey": [
                ["type", "name", "label", "relevant"],
                ["select_multiple fruit or_other", "intake", "Fruit eaten"],
                ["text", "why", "Why ${intake_other}?", "${intake_other} != ''"],
                ["select_one fruit or_other", "best", "Best fruit"],
                ["text", "best_other", "Already a question of the form"],
            ],
            "choices": [["list_name", "name", "label"], ["fruit", "apple", "Apple"], ["fruit", "pear", "Pear"]],
        },
    )
    imported = import_xlsform(path, "other", "1")
    assert imported.errors == []
    items = {i["code"]: i for s in yaml.safe_load(imported.yaml_text)["sections"] for i in s["items"]}
    # A multiple choice's 'other' has the export column intake_other: the text question cannot be named so.
    assert items["intake_other_text"]["relevant"] == "selected(intake, 'other')"
    assert "intake_other" not in items
    assert items["why"]["relevant"] == "answered(intake_other_text)"
    assert items["why"]["label"] == {"kk": "Why ${intake_other_text}?"}
    assert items["best_other"]["label"] == {"kk": "Already a question of the form"}
    assert items["best_other_text"]["relevant"] == "selected(best, 'other')"
    renames = [str(p) for p in imported.problems if "not 'intake_other' as pyxform names it" in str(p)]
    assert len(renames) == 1 and "export column of the choice 'other'" in renames[0]
    assert any("not 'best_other' as pyxform names it" in str(p) for p in imported.problems)
    # The draft, once completed, validates: no clashing export column.
    from tests.surveyapp.xlsform_corpus import completed, validation_errors, write

    assert validation_errors(write(tmp_path, completed(imported))) == []


def test_extra_texts_must_map_a_language_to_a_text(write: Any) -> None:
    from tests.surveyapp.questionnaire.conftest import readme_example

    old = 'ru: "Сколько вам полных лет?"}'
    text = readme_example().replace(old, old[:-1] + ', extra: "Age"}', 1)
    assert 'extra: "Age"' in text
    with pytest.raises(QuestionnaireError) as caught:
        load_version(write(text))
    assert "extra in label of 'age' must map a language, as its XLSForm column names it, to a text" in str(caught.value)

from __future__ import annotations

import datetime as dt

from surveyapp.questionnaire import (
    QuestionnaireVersion,
    is_relevant,
    prune_hidden,
    relevant_items,
    validate_page,
    visible_sections,
)


def test_relevance_follows_answers(example: QuestionnaireVersion) -> None:
    answers = {"age": 40, "region": "shymkent", "victim_any": "no"}
    codes = [item.code for item in relevant_items(example, answers)]
    assert "district" not in codes and "victim_types" not in codes
    assert not is_relevant(example, "district", answers)
    assert is_relevant(example, "district", {"region": "astana"})
    assert [s.code for s in visible_sections(example, answers)] == ["about_you", "safety"]


def test_prune_hidden_drops_answers_that_became_irrelevant(example: QuestionnaireVersion) -> None:
    answers = {
        "age": 25,
        "region": "astana",
        "district": "esil",
        "victim_any": "yes",
        "victim_types": ["theft"],
        "victims_count": 2,
        "unknown": 1,
    }
    answers["victim_any"] = "no"
    pruned = prune_hidden(example, answers)
    assert pruned == {"age": 25, "region": "astana", "district": "esil", "victim_any": "no", "young": True}


def test_validate_page_reads_form_strings_and_reports_in_the_language(example: QuestionnaireVersion) -> None:
    form = {"age": ["17"], "region": ["astana"], "district": ["medeu"]}
    answers, errors = validate_page(example, "about_you", form, {}, "kk")
    assert errors == {
        "age": "Ең аз рұқсат етілген мән: 18.",
        "district": "Тізімдегі жауап нұсқаларының бірін таңдаңыз.",
    }
    assert answers == {"region": "astana"}
    answers, errors = validate_page(
        example, "about_you", {"age": [" 30 "], "region": ["almaty"], "district": ["medeu"]}, {}, "ru"
    )
    assert errors == {}
    assert answers == {"age": 30, "region": "almaty", "district": "medeu"}


def test_required_and_constraint_messages(example: QuestionnaireVersion) -> None:
    earlier = {"age": 30, "region": "shymkent"}
    form = {"victim_any": ["yes"], "victim_types": ["theft", "fraud"], "victims_count": ["1"]}
    answers, errors = validate_page(example, "safety", form, earlier, "ru")
    assert errors["safe_dark"] == "Это обязательный вопрос."
    assert errors["victims_count"].startswith("Число не может быть меньше")
    assert answers["victim_types"] == ["theft", "fraud"]
    _, errors = validate_page(example, "safety", {**form, "victim_types": ["theft", "refuse"]}, earlier, "en")
    assert "cannot be chosen together" in errors["victim_types"]
    _, errors = validate_page(example, "safety", {"age": ["x"], "victims_count": ["abc"]}, earlier, "en")
    assert "victims_count" not in errors  # hidden: victim_types was not answered


def test_hidden_items_are_neither_validated_nor_kept(example: QuestionnaireVersion) -> None:
    form = {"safe_dark": ["very_safe"], "victim_any": ["no"], "victim_types": ["theft"], "victim_other": ["x"]}
    answers, errors = validate_page(example, "safety", form, {"age": 30}, "kk", today=dt.date(2025, 1, 1))
    assert errors == {}
    assert answers == {"safe_dark": "very_safe", "victim_any": "no", "young": False}  # calculations included


def test_question_type_exports(example: QuestionnaireVersion) -> None:
    from surveyapp.questionnaire import QUESTION_TYPES

    item = example.item("victim_types")
    qtype = QUESTION_TYPES[item.type]
    assert qtype.export_columns(item) == [
        "victim_types_theft",
        "victim_types_fraud",
        "victim_types_other",
        "victim_types_refuse",
    ]
    assert qtype.export_values(item, ["fraud"])["victim_types_fraud"] == 1
    scale = example.item("safe_dark")
    assert QUESTION_TYPES["scale"].export_values(scale, "rather_safe") == {
        "safe_dark": "rather_safe",
        "safe_dark_value": 3,
    }
    row = QUESTION_TYPES["multiple_choice"].xlsform_rows(item)[0]
    assert row["type"] == "select_multiple victim_types"
    assert row["relevant"] == "selected(${victim_any}, 'yes')"
    assert "not(selected(., 'refuse') and count-selected(.) > 1)" in row["constraint"]
    assert row["label::Kazakh (kk)"] == "Қандай қылмыс?"
    district = QUESTION_TYPES["single_choice"].xlsform_rows(example.item("district"))[0]
    assert district["choice_filter"] == "parent=${region}"


def test_the_designers_constraint_message_beats_the_generic_bound_message() -> None:
    from pathlib import Path

    from surveyapp.questionnaire import load_version

    pupils = load_version(Path(__file__).resolve().parents[3] / "questionnaires/child_protection/2024.yaml")
    section = next(s.code for s in pupils.sections if any(i.code == "age" for i in s.items))
    for lang, expected in (
        ("kk", "Бұл сауалнама 12–17 жастағы оқушыларға арналған."),
        ("ru", "Этот опрос предназначен для школьников 12–17 лет."),
    ):
        for typed in ("11", "18"):
            _, errors = validate_page(pupils, section, {"age": [typed]}, {}, lang)
            assert errors["age"] == expected, (lang, typed, errors)
    _, errors = validate_page(pupils, section, {"age": ["twelve"]}, {}, "ru")
    assert errors["age"] != "Этот опрос предназначен для школьников 12–17 лет."  # not a number: the type's message

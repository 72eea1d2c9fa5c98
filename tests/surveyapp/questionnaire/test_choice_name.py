"""choice_name(value, q), XLSForm's jr:choice-name: the label of a choice in the respondent's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from surveyapp.questionnaire import InvalidQuestionnaireError, load_version, routing
from surveyapp.questionnaire.choice_names import choice_names
from surveyapp.questionnaire.xlsform import survey_rows, write_xlsform
from surveyapp.questionnaire.xlsform_import import import_xlsform

from .choice_name_fixture import choice_name_document, choice_name_yaml

ANSWERS = {"age": 40, "region": "astana", "district": "esil"}


def test_the_label_is_in_the_respondents_language(write: Callable[..., Path]) -> None:
    version = load_version(write(choice_name_yaml()))
    assert routing.prune_hidden(version, ANSWERS, "kk")["region_name"] == "Астана қаласы"
    assert routing.prune_hidden(version, ANSWERS, "ru")["region_name"] == "город Астана"
    # No language known (a script, the demo data): the version's first language, as ODK's default.
    assert routing.prune_hidden(version, ANSWERS)["region_name"] == "Астана қаласы"
    # The context's labels never end up among the stored answers.
    assert "__choice_names__" not in routing.prune_hidden(version, ANSWERS, "ru")
    # Only the questions some rule reads that way carry labels.
    assert set(choice_names(version, "ru")) == {"region"}


def test_rules_on_a_label_are_decided_in_the_respondents_language(write: Callable[..., Path]) -> None:
    version = load_version(write(choice_name_yaml()))
    shown_ru = [i.code for i in routing.relevant_items(version, ANSWERS, "safety", "ru")]
    shown_kk = [i.code for i in routing.relevant_items(version, ANSWERS, "safety", "kk")]
    assert "capital_why" in shown_ru and "capital_why" not in shown_kk
    page = routing.validate_page(version, "safety", {"capital_why": ["рядом работа"]}, ANSWERS, "ru")
    assert page.answers.get("capital_why") == "рядом работа"
    page = routing.validate_page(version, "safety", {"capital_why": ["жұмыс"]}, ANSWERS, "kk")
    assert "capital_why" not in page.answers


def test_unanswered_or_unknown_codes_give_null(write: Callable[..., Path]) -> None:
    version = load_version(write(choice_name_yaml()))
    assert "region_name" not in routing.prune_hidden(version, {"age": 40}, "ru")


def test_a_question_without_choices_is_refused(write: Callable[..., Path]) -> None:
    document = choice_name_document()
    document["sections"][0]["items"][-1]["calculation"] = "choice_name(age, age)"
    with pytest.raises(InvalidQuestionnaireError) as caught:
        load_version(write(yaml.safe_dump(document, allow_unicode=True, sort_keys=False)))
    assert "choice_name() reads the choices of 'age', which has none" in str(caught.value)


def test_xlsform_export_writes_jr_choice_name_and_import_reads_it_back(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    version = load_version(write(choice_name_yaml()))
    rows = {row["name"]: row for row in survey_rows(version)}
    assert rows["region_name"]["calculation"] == "jr:choice-name(${region}, '${region}')"
    assert rows["capital_why"]["relevant"] == "jr:choice-name(${region}, '${region}') = 'город Астана'"
    write_xlsform(version, tmp_path / "form.xlsx")
    imported = import_xlsform(tmp_path / "form.xlsx", "example", "2025")
    assert imported.errors == []
    items = {i["code"]: i for s in yaml.safe_load(imported.yaml_text)["sections"] for i in s["items"]}
    assert items["region_name"]["calculation"] == "choice_name(region, region)"

"""A rank question (options put in order) answered without JavaScript: one drop-down per place, a partial or
repeated order turned back with the reason, the order stored first place first, and exported one column per
place; XLSForm's `rank list` imports as it and exports back."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import yaml
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.questionnaire import load_version
from surveyapp.questionnaire.question_types import question_type
from surveyapp.questionnaire.xlsform import survey_rows, write_xlsform
from surveyapp.questionnaire.xlsform_import import import_xlsform
from surveyapp.services.exports import ExportRequest, export_responses
from tests.surveyapp.respond_helpers import (
    QUESTIONNAIRES,
    come_back,
    page_url,
    post_page,
    publish_file,
    start,
    stored_answers,
)

FORM = """
instrument: priorities
version: "2025"
title: {kk: "Басымдықтар", ru: "Приоритеты"}
population: adults
age_range: [18, null]
languages: [kk, ru]
estimated_minutes: 2
consent:
  mode: adult
  text: {kk: "Келісесіз бе?", ru: "Вы согласны?"}
sections:
  - code: main
    title: {kk: "Басымдықтар", ru: "Приоритеты"}
    items:
      - code: priorities
        type: rank
        label: {kk: "Маңыздылығы бойынша реттеңіз", ru: "Расставьте по важности"}
        required: true
        choices:
          - {code: roads, label: {kk: "Жолдар", ru: "Дороги"}}
          - {code: schools, label: {kk: "Мектептер", ru: "Школы"}}
          - {code: police, label: {kk: "Полиция", ru: "Полиция"}}
      - code: why_police
        type: text
        label: {kk: "Неге полиция бірінші?", ru: "Почему полиция первая?"}
        relevant: "selected_at(priorities, 0) = 'police'"
"""


def _publish(app: Flask, tmp_path: Path) -> Path:
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    path = root / "priorities" / "2025.yaml"
    path.parent.mkdir()
    path.write_text(FORM, encoding="utf-8")
    publish_file(app, path)
    return path


def test_a_rank_is_answered_without_a_script_and_stored_in_order(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    _publish(app, tmp_path)
    location = start(client, "/q/priorities/2025?lang=ru", lang="ru")
    page = client.get(location).get_data(as_text=True)
    assert all(f'name="priorities.{n}"' in page for n in (1, 2, 3)) and "3-е место" in page
    # A place left empty, then one option in two places: the page comes back saying why, keeping the choices.
    partial = come_back(client, post_page(client, location, {"priorities.1": ["police"], "priorities.2": ["roads"]}))
    body = partial.get_data(as_text=True)
    assert partial.status_code == 422 and "Расставьте все варианты по порядку" in body
    assert '<option value="police" selected>' in body
    twice = {"priorities.1": ["police"], "priorities.2": ["police"], "priorities.3": ["roads"]}
    assert "нельзя поставить на два места" in come_back(client, post_page(client, location, twice)).get_data(
        as_text=True
    )
    order = {"priorities.1": ["police"], "priorities.2": ["roads"], "priorities.3": ["schools"]}
    # The first place opens the follow-up (selected-at(.., 0) = 'police'), which is kept with the order.
    done = post_page(client, location, order | {"why_police": ["Безопасность"]}, action="submit")
    assert done.status_code == 302 and done.location.endswith("/done")
    answers = stored_answers(app, page_url(location)[0])
    assert answers["priorities"] == ["police", "roads", "schools"]
    assert answers["why_police"] == "Безопасность"
    # Exported one coded column per place, the option put there, labelled like the question's choices.
    out = tmp_path / "priorities.csv"
    with app.app_context():
        year = dt.datetime.now(dt.UTC).year  # the export takes a year of submissions: this one's
        export_responses(ExportRequest("priorities", year, "csv", "ru"), out, "export-secret")
    row = pd.read_csv(out, encoding="utf-8-sig").iloc[0]
    assert (row["priorities_rank1"], row["priorities_rank2"], row["priorities_rank3"]) == ("police", "roads", "schools")


def test_a_rank_exports_one_column_per_place_and_round_trips_through_xlsform(app: Flask, tmp_path: Path) -> None:
    version = load_version(_publish(app, tmp_path))
    item = version.item("priorities")
    qtype = question_type(item)
    assert qtype.export_values(item, ["police", "roads", "schools"]) == {
        "priorities_rank1": "police",
        "priorities_rank2": "roads",
        "priorities_rank3": "schools",
    }
    [row] = [r for r in survey_rows(version) if r["name"] == "priorities"]
    assert row["type"] == "rank priorities"
    workbook = tmp_path / "priorities.xlsx"
    write_xlsform(version, workbook)
    imported = import_xlsform(workbook, "priorities", "2025")
    assert imported.errors == []
    items = {i["code"]: i for s in yaml.safe_load(imported.yaml_text)["sections"] for i in s["items"]}
    assert items["priorities"]["type"] == "rank"
    assert items["why_police"]["relevant"] == "selected_at(priorities, 0) = 'police'"


def test_an_odk_submission_of_a_rank_is_read_as_its_places(app: Flask, tmp_path: Path) -> None:
    from defusedxml.ElementTree import fromstring

    from surveyapp.openrosa.submission import _fields

    item = load_version(_publish(app, tmp_path)).item("priorities")
    form = _fields(item, fromstring("<priorities>schools police roads</priorities>"), "/data/priorities")
    assert question_type(item).coerce(item, question_type(item).read_form(item, form)) == ["schools", "police", "roads"]

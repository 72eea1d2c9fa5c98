"""Public XLSForms of other organisations, imported, completed as a researcher would, and answered end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.questionnaire import load_version
from tests.surveyapp.respond_helpers import complete, publish_file, start
from tests.surveyapp.xlsform_corpus import STILL_NEEDED, completed, import_fixture, validation_errors, write

# Workbooks that import and, once given Kazakh/Russian texts and a consent, publish and can be answered.
# (name, leave_out_media)
ANSWERED = [
    ("onadata/battery_life.xlsx", False),
    ("onadata/dhisform.xlsx", False),
    ("onadata/Enumerator_Training_Practice_Survey.xlsx", True),  # intake_other_text: intake_other is a column
    ("onadata/enumerator_weekly.xlsx", False),  # a constraint without a message gets the default one
    ("onadata/gps.xlsx", False),
    ("onadata/MCH_v1.xlsx", False),  # HPlevel renamed hplevel
    ("onadata/multi_lingual_form.xlsx", False),  # Fruits renamed fruits
    ("onadata/name_survey.xlsx", False),
    ("onadata/new_cascading_select.xlsx", False),
    ("onadata/test_data_types.xlsx", False),
    ("onadata/tutorial.xlsx", True),
    ("onadata/tutorial_w_repeats.xlsx", True),
    ("pyxform/cascading_select_test_equivalent.xls", False),
    ("pyxform/choice_filter_test.xlsx", False),
    ("pyxform/default_time_demo.xls", False),
    ("pyxform/gps.xls", False),
    ("pyxform/ict_survey_fails.xls", False),
    ("pyxform/repeat_date_test.xls", False),
    ("pyxform/specify_other.xlsx", False),
    ("pyxform/table-list.xls", False),
    ("pyxform/text_and_integer.csv", False),
    ("pyxform/text_and_integer.xls", False),
    ("pyxform/tutorial.xls", False),
    ("pyxform/widgets.xls", True),  # numberAsString, locationMap, dateTime renamed; image-only choices named
    ("pyxform/xml_escaping.xls", False),
    ("pyxform/yes_or_no_question.xlsx", False),
]
# Answers the synthetic respondent gives where its default (the minimum, or 1) breaks the form's own constraint.
OVERRIDES = {"pyxform/widgets.xls": {"my_decimal": 12.5}}
# Workbooks refused with the reason a researcher reads (what, where, how to fix).
REFUSED = [
    ("onadata/childrens_survey.xlsx", "survey:9: [cartoons] repeat group 'cartoons' cannot be imported"),
    ("onadata/household.xlsx", "survey:8: [child] repeat group 'child' cannot be imported"),
    ("onadata/new_repeats.xlsx", "[kids_details] repeat group 'kids_details' cannot be imported"),
    ("onadata/good_eats_multilang.xlsx", "choices:4: choice without list_name"),
    ("onadata/subdistrict_profiling_tool.xlsx", "[district] type 'select_one_external districts' cannot be imported"),
    ("onadata/transportation.xlsx", "loop over 'transport_types'"),
    ("pyxform/loop.xlsx", "loop over 'toilet_type'"),
    ("pyxform/simple_loop.csv", "loop over 'my_columns'"),
    ("pyxform/hidden.xls", "type 'hidden' cannot be imported"),
    ("pyxform/group.xlsx", "type 'phone number' cannot be imported"),
]


@pytest.mark.parametrize(("name", "media"), ANSWERED)
def test_a_real_form_imports_says_what_it_needs_and_is_answered(
    app: Flask, client: FlaskClient, tmp_path: Path, name: str, media: bool
) -> None:
    imported = import_fixture(name, leave_out_media=media)
    assert imported.errors == []
    raw = write(tmp_path / "raw", yaml.safe_load(imported.yaml_text))
    # The draft lists exactly what an XLSForm cannot say (Kazakh and Russian texts, the consent), nothing else.
    needed = validation_errors(raw)
    assert needed and all(STILL_NEEDED.search(e) for e in needed), needed
    path = write(tmp_path / "questionnaires", completed(imported))
    assert validation_errors(path) == []
    domain = publish_file(app, path)
    first = start(client, f"/q/{domain.instrument}/{domain.version}?lang=ru", lang="ru")
    assert complete(client, app, load_version(path), first, OVERRIDES.get(name)).endswith("/done")


@pytest.mark.parametrize(("name", "reason"), REFUSED)
def test_a_real_form_that_cannot_be_carried_over_says_where_and_why(name: str, reason: str) -> None:
    errors = [str(p) for p in import_fixture(name, leave_out_media=True).errors]
    assert any(reason in e and "(fix: " in e for e in errors), errors

"""Time, date-and-time, acknowledgement and location answers: what is accepted, and how it is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pyxform.xls2xform import convert

from surveyapp.questionnaire import load_version
from surveyapp.questionnaire.errors import AnswerError
from surveyapp.questionnaire.question_types import QUESTION_TYPES
from surveyapp.questionnaire.xlsform import write_xlsform

from .conftest import readme_example

ITEM: Any = None  # the types read nothing of the item for these answers


@pytest.mark.parametrize(
    ("name", "raw", "stored"),
    [
        ("time", "07:05", "07:05"),
        ("time", " 23:59:30 ", "23:59"),
        ("datetime", "2024-02-29T18:45", "2024-02-29T18:45"),
        ("datetime", "2024-02-29 18:45:10", "2024-02-29T18:45"),
        ("acknowledge", "OK", "OK"),
        ("geopoint", {"lat": "51,1694", "lon": " 71.4491", "accuracy": ""}, {"lat": 51.1694, "lon": 71.4491,
                                                                              "accuracy": None}),
    ],
)  # fmt: skip
def test_accepted(name: str, raw: Any, stored: Any) -> None:
    assert QUESTION_TYPES[name].coerce(ITEM, raw) == stored


@pytest.mark.parametrize(
    ("name", "raw", "key"),
    [
        ("time", "24:00", "time"),
        ("time", "7.30", "time"),
        ("datetime", "2023-02-29T10:00", "datetime"),
        ("datetime", "2024-01-01", "datetime"),
        ("acknowledge", "yes", "acknowledge"),
        ("geopoint", {"lat": "51.1", "lon": ""}, "geopoint"),
        ("geopoint", {"lat": "north", "lon": "71"}, "geopoint"),
        ("geopoint", {"lat": "nan", "lon": "71"}, "geopoint"),
    ],
)
def test_refused(name: str, raw: Any, key: str) -> None:
    with pytest.raises(AnswerError) as error:
        QUESTION_TYPES[name].coerce(ITEM, raw)
    assert error.value.key == key


def test_a_location_out_of_range_is_refused() -> None:
    geopoint = QUESTION_TYPES["geopoint"]
    item = ITEM
    value = geopoint.coerce(item, {"lat": "95", "lon": "71"})
    assert [e.key for e in geopoint.validate(item, value)] == ["geopoint_range"]
    assert geopoint.validate(item, geopoint.coerce(item, {"lat": "-33.9", "lon": "18.4", "accuracy": "5"})) == []


def test_the_new_types_export_to_a_workbook_pyxform_converts(write: Callable[..., Path], tmp_path: Path) -> None:
    document = yaml.safe_load(readme_example())
    items = [
        {"code": f"q_{name}", "type": name, "label": {"kk": "Сұрақ", "ru": "Вопрос"}}
        for name in ("time", "datetime", "acknowledge", "geopoint")
    ]
    document["sections"].append({"code": "more", "title": {"kk": "Тағы", "ru": "Ещё"}, "items": items})
    version = load_version(write(yaml.safe_dump(document, allow_unicode=True, sort_keys=False)))
    workbook = tmp_path / "form.xlsx"
    write_xlsform(version, workbook)
    warnings: list[str] = []
    xform = convert(str(workbook), warnings=warnings).xform
    assert warnings == []
    for name, bind in (("time", "time"), ("datetime", "dateTime"), ("acknowledge", "string"),
                       ("geopoint", "geopoint")):  # fmt: skip
        assert f'<bind nodeset="/data/more/q_{name}" type="{bind}"/>' in xform
    assert '<trigger ref="/data/more/q_acknowledge">' in xform

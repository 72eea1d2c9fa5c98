"""The JSON columns decode with orjson, and to exactly what the standard library gives, including the text
orjson refuses (NaN, Infinity, integers past 64 bits, lone surrogates)."""

from __future__ import annotations

import json
import math

import pytest

from surveyapp import stored_json


@pytest.mark.parametrize(
    "text",
    [
        '{"q1": "иә", "q2": 3, "q3": 2.5, "q4": ["a", "b"], "q5": null, "q6": true, "q7": {"r1": "s5"}}',
        '{"big": 123456789012345678901234567890, "small": -9223372036854775809}',
        '{"u64": 18446744073709551615, "i64": -9223372036854775808, "past": 18446744073709551616}',
        b'{"big": 123456789012345678901234567890}',
        '{"x": "\\ud800"}',
        '["Қазақ тілі", "ә ғ қ ң ө ұ ү һ і", 1e-7, 1e16]',
        b'{"bytes": "as psycopg hands them"}',
    ],
)
def test_same_values_as_the_standard_library(text: str | bytes) -> None:
    value = stored_json.loads(text)
    assert value == json.loads(text)
    assert repr(value) == repr(json.loads(text))  # same types too: an integer stays an integer


def test_nan_and_infinity_fall_back() -> None:
    value = stored_json.loads('{"a": NaN, "b": Infinity}')
    assert math.isnan(value["a"]) and value["b"] == math.inf


def test_the_engine_decodes_with_it(app) -> None:  # type: ignore[no-untyped-def]
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["json_deserializer"] is stored_json.loads

"""A location: latitude and longitude in degrees (WGS 84) and the accuracy in metres, typed or taken from the
browser's geolocation when the respondent allows it. A location can identify a respondent, so it is never
required unless the questionnaire says so, and the XLSForm import leaves `required` off (with a warning)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Final

from ..errors import AnswerError
from ..model import Item
from .base import FormData, QuestionType, blank, form_values

PARTS: Final = ("lat", "lon", "accuracy")
_RANGES: Final = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "accuracy": (0.0, 100_000.0)}


def _number(text: Any) -> float | None:
    if blank(text):
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        number = float(text)
    elif isinstance(text, str):
        try:
            number = float(text.strip().replace(",", ".").replace(" ", ""))
        except ValueError:
            raise AnswerError("geopoint") from None
    else:
        raise AnswerError("geopoint")
    if not math.isfinite(number):
        raise AnswerError("geopoint")
    return number


class Geopoint(QuestionType):
    name = "geopoint"
    field = "geopoint"
    xlsform_type = "geopoint"
    xlsform_names = frozenset({"geopoint", "gps", "location"})
    value_kind = "any"

    def read_form(self, item: Item, form: FormData) -> Any:
        found = {part: next(iter(form_values(form, f"{item.code}.{part}")), "") for part in PARTS}
        return found if any(v.strip() for v in found.values()) else None

    def form_input(self, item: Item, value: Any) -> dict[str, list[str]]:
        if value is None:
            return {}
        return {f"{item.code}.{part}": [repr(value[part])] for part in PARTS if value.get(part) is not None}

    def redisplay(self, item: Item, form: FormData) -> Any:
        # What was typed ("51,1x") is shown again after an error rather than lost.
        return self.read_form(item, form)

    def coerce(self, item: Item, raw: Any) -> Any:
        if blank(raw):
            return None
        if not isinstance(raw, dict):
            raise AnswerError("geopoint")
        lat, lon, accuracy = (_number(raw.get(part)) for part in PARTS)
        if lat is None or lon is None:
            raise AnswerError("geopoint")
        return {"lat": lat, "lon": lon, "accuracy": accuracy}

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        for part in PARTS:
            low, high = _RANGES[part]
            if value.get(part) is not None and not low <= value[part] <= high:
                return [AnswerError("geopoint_range")]
        return []

    def example_answer(self, item: Item) -> Any:
        return {"lat": 51.1694, "lon": 71.4491, "accuracy": 12.5}

    def is_complete(self, item: Item, value: Any) -> bool:
        return isinstance(value, dict) and value.get("lat") is not None and value.get("lon") is not None

    def export_columns(self, item: Item) -> list[str]:
        return [f"{item.code}_{part}" for part in PARTS]

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        value = value or {}
        return {f"{item.code}_{part}": value.get(part) for part in PARTS}

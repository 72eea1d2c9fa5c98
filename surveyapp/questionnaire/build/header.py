"""The top of a version file: its keys, instrument and version (which must match the file's place),
the notes, population, age range, languages and estimated length."""

from __future__ import annotations

import re
from typing import Any, Final

from ..model import POPULATIONS
from ..problem import Problem
from ..text import LANGUAGES, REQUIRED_LANGUAGES, LocalizedText
from .reader import CODE_RE, Reader, is_number, suggest

VERSION_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TOP_KEYS: Final = frozenset(
    {
        "instrument",
        "version",
        "title",
        "description",
        "population",
        "age_range",
        "languages",
        "estimated_minutes",
        "consent",
        "design_variables",
        "quality",
        "helplines",
        "choice_lists",
        "sections",
        "changes",
    }
)
REQUIRED_TOP: Final = ("instrument", "version", "title", "population", "languages", "consent", "sections")


def check_top(reader: Reader, data: dict[str, Any]) -> None:
    """Duplicate keys anywhere in the file, then unknown and missing top-level keys."""
    for line, key in reader.doc.duplicate_keys:
        reader.problems.append(
            Problem(
                reader.source.file,
                line,
                None,
                f"key {key!r} appears twice in the same mapping",
                "remove or rename one of them (YAML keeps only the last)",
            )
        )
    reader.check_keys((), data, TOP_KEYS, None, "the questionnaire")
    for key in REQUIRED_TOP:
        if key not in data:
            reader.error((), None, f"missing top-level key {key!r}", "see questionnaires/README.md")


def instrument(reader: Reader, data: dict[str, Any]) -> str:
    """The instrument code, which is the name of the folder (the folder's name when the code is broken)."""
    code = data.get("instrument")
    folder = reader.path.parent.name
    if not isinstance(code, str) or not CODE_RE.match(code):
        reader.error(
            ("instrument",),
            None,
            f"instrument {code!r} is not a snake_case code",
            f"write instrument: {folder}",
        )
        return folder
    if code != folder:
        reader.error(
            ("instrument",),
            None,
            f"instrument {code!r} does not match the folder {folder!r}",
            f"write instrument: {folder}, or move the file to questionnaires/{code}/",
        )
    return code


def version(reader: Reader, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The version string, which is the file's stem, and the data with an unquoted number made text."""
    value = data.get("version")
    stem = reader.path.stem
    if is_number(value):
        value = str(value)  # an unquoted year is what everybody writes; it means the same
        data = {**data, "version": value}
    if not isinstance(value, str) or not VERSION_RE.match(value):
        reader.error(
            ("version",),
            None,
            f"version {value!r} is not a valid version string",
            f'write version: "{stem}"',
        )
        return stem, data
    if value != stem:
        reader.error(
            ("version",),
            None,
            f"version {value!r} does not match the file name {reader.path.name!r}",
            f'write version: "{stem}", or rename the file to {value}.yaml',
        )
    return value, data


def note(reader: Reader, data: dict[str, Any], key: str) -> LocalizedText | None:
    """description: and changes:, texts for the staff, so one language is enough."""
    if data.get(key) is None:
        return None
    return reader.text((key,), data.get(key), None, key, respondent=False)


def population(reader: Reader, data: dict[str, Any]) -> Any:
    value = data.get("population")
    if value not in POPULATIONS:
        reader.error(
            ("population",),
            None,
            f"unknown population {value!r}",
            suggest(str(value), POPULATIONS) or f"one of: {', '.join(POPULATIONS)}",
        )
    return value


def age_range(reader: Reader, data: Any) -> tuple[int | None, int | None]:
    if data is None:
        return (None, None)
    if (
        not isinstance(data, list)
        or len(data) != 2
        or any(v is not None and (not isinstance(v, int) or isinstance(v, bool)) for v in data)
    ):
        reader.error(("age_range",), None, "age_range must be [min, max] with integers or null", "e.g. [18, null]")
        return (None, None)
    low, high = data
    if low is not None and high is not None and low > high:
        reader.error(("age_range",), None, f"age_range min {low} is larger than max {high}", "swap them")
    return (low, high)


def languages(reader: Reader, data: Any) -> tuple[str, ...]:
    if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
        reader.error(("languages",), None, "languages must be a list such as [kk, ru, en]", "")
        return REQUIRED_LANGUAGES
    for lang in data:
        if lang not in LANGUAGES:
            reader.error(("languages",), None, f"unknown language {lang!r}", "languages are kk, ru, en")
    for lang in REQUIRED_LANGUAGES:
        if lang not in data:
            reader.error(
                ("languages",),
                None,
                f"languages must include {lang}",
                "Kazakh and Russian are required for every instrument",
            )
    return tuple(data)


def estimated_minutes(reader: Reader, data: Any) -> int | None:
    if data is not None and (not isinstance(data, int) or isinstance(data, bool) or data < 1):
        reader.error(("estimated_minutes",), None, "estimated_minutes must be a positive integer", "e.g. 15")
        return None
    return data

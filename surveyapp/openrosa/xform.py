"""The XForm of a published version, made by pyxform from the same rows as its XLSForm export.

ODK Collect keeps a form by its id and replaces it when the version changes, so the form id is the instrument
code alone (stable across versions) and the version is the platform's version string. The XLSForm export itself
names its form ``<instrument>_<version>`` because a person importing several versions into one platform must
tell them apart; here Collect must see them as one form.

Collect does not put the language the form was shown in into the submission, so the XForm carries it itself:
a never-shown select (``relevant: false()``) with one choice whose label in each language is that language's
code, and a calculate ``jr:choice-name('shown', ...)``, which gives a choice's label *in the form's active
language*. Collect evaluates calculations when it opens the form (a new interview, or a saved one opened
again), so the value is the language at that moment; a switch of language in the middle of an interview shows
only once the form is opened again (see the README's OpenRosa section).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from pyxform.xls2xform import convert

from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.questionnaire.question_types import XLSFORM_LANGUAGE
from surveyapp.questionnaire.xlsform import choice_rows, settings_row, survey_rows

_SHOWN = "shown"  # the one choice of the language list


@dataclass(frozen=True)
class LanguageFields:
    """The names of the two fields that carry the form's active language (after the sections, before meta)."""

    choices: str  # the hidden select whose choice labels are the language codes
    language: str  # the calculate: the code of the language the form was shown in


def language_fields(version: QuestionnaireVersion) -> LanguageFields:
    taken = {item.code for item in version.items} | {section.code for section in version.sections}
    name = "_language"
    while name in taken or f"{name}_choices" in taken:
        name = "_" + name
    return LanguageFields(choices=f"{name}_choices", language=name)


def _language_rows(version: QuestionnaireVersion) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    fields = language_fields(version)
    labels = {f"label::{XLSFORM_LANGUAGE[lang]}": lang for lang in version.languages}
    survey = [
        {"type": f"select_one {fields.choices}", "name": fields.choices, "relevant": "false()"} | labels,
        {"type": "calculate", "name": fields.language,
         "calculation": f"jr:choice-name('{_SHOWN}', '${{{fields.choices}}}')"},
    ]
    return survey, [{"list_name": fields.choices, "name": _SHOWN} | labels]


def _header(rows: list[dict[str, str]]) -> list[dict[str, None]]:
    """The sheet's columns as pyxform's own readers give them: without it pyxform takes them from the first
    row and fails (IndexError in its reference check) when a later row has one more, as the language choice
    has an English label where a version's own choices have none."""
    return [dict.fromkeys(key for row in rows for key in row)]


@dataclass(frozen=True)
class XForm:
    xml: str
    md5: str  # what formList announces as hash="md5:...", so Collect fetches the form only when it changed


_CACHE: dict[str, XForm] = {}
_CACHE_MAX = 64
_lock = threading.Lock()


def xform_of(version: QuestionnaireVersion) -> XForm:
    """The XForm of ``version``, cached by its sha256: a published content never changes."""
    cached = _CACHE.get(version.sha256)
    if cached is not None:
        return cached
    settings = settings_row(version) | {"form_id": version.instrument}
    language_survey, language_choices = _language_rows(version)
    survey = survey_rows(version) + language_survey
    choices = choice_rows(version) + language_choices
    workbook = {
        "survey": survey,
        "survey_header": _header(survey),
        "choices": choices,
        "choices_header": _header(choices),
        "settings": [settings],
    }
    xml = convert(xlsform=workbook, form_name="data", pretty_print=False).xform
    made = XForm(xml=xml, md5=hashlib.md5(xml.encode("utf-8")).hexdigest())  # noqa: S324  # OpenRosa's hash
    with _lock:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[version.sha256] = made
    return made

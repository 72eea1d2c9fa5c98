"""A questionnaire version as an XLSForm workbook (survey, choices, settings), for KoboToolbox, ODK or SurveyCTO.

The rows of each item come from its question type (question_types/) and the expressions from
expression/, so the web form and the workbook ask the same questions under the same rules. Each section is a
field-list group (one screen, as it is one page here). XLSForm has no consent screen: the consent text becomes
a required ``acknowledge`` question before the first section, so a form cannot be sent without it, as a
response cannot be started here without agreeing. What XLSForm cannot hold (design variables, helplines, the
speeding threshold, the parental-consent mode) is left out, and :func:`left_out` says what, in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Font

from .model import ChoiceList, QuestionnaireVersion
from .question_types import XLSFORM_LANGUAGE, question_type, xlsform_texts

CONSENT_NAME: Final = "consent_given"
_FIRST_COLUMNS: Final = ("type", "name")
_CHOICE_COLUMNS: Final = ("list_name", "name")


def survey_rows(version: QuestionnaireVersion) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    if version.consent is not None:
        consent_name = CONSENT_NAME
        while any(item.code == consent_name for item in version.items):
            consent_name = "_" + consent_name
        rows.append(
            {"type": "acknowledge", "name": consent_name, "required": "yes"}
            | xlsform_texts("label", version.consent.text)
        )
    for section in version.sections:
        kind = "group" if section.repeat is None else "repeat"
        group = {"type": f"begin_{kind}", "name": section.code, "appearance": "field-list"}
        group |= xlsform_texts("label", section.title if section.repeat is None else section.repeat.label)
        if section.relevant is not None:
            group["relevant"] = section.relevant.to_xlsform()
        if section.repeat is not None and section.repeat.count is not None:
            count = section.repeat.count
            group["repeat_count"] = str(count) if isinstance(count, int) else count.to_xlsform()
        rows.append(group)
        for item in section.items:
            rows.extend(question_type(item).xlsform_rows(item))
        rows.append({"type": f"end_{kind}", "name": section.code})
    return _original_names(version, _version_languages(version, rows))


def _version_languages(version: QuestionnaireVersion, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Of kk, ru and en only the version's languages: a text in another one (the platform's default constraint
    message is written in all three) would be a language the form does not offer, which pyxform warns about
    ("Language 'English (en)' is missing the survey label column") and Collect would list as a choice. An
    import's extra languages stay: they were the form's own."""
    left_out = set(XLSFORM_LANGUAGE.values()) - {XLSFORM_LANGUAGE[lang] for lang in version.languages}
    return [
        {key: value for key, value in row.items() if "::" not in key or key.split("::", 1)[1] not in left_out}
        for row in rows
    ]


_REFERENCE: Final = re.compile(r"\$\{([^}]*)\}")


def _original_names(version: QuestionnaireVersion, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """An imported form's names that were not codes here (``HPlevel``) given back, with every ${...} that
    refers to them, so that the workbook matches the data already collected under those names."""
    names = {item.code: item.xlsform_name for item in version.items if item.xlsform_name}
    if not names:
        return rows

    def reference(match: re.Match[str]) -> str:
        return "${" + names.get(match.group(1), match.group(1)) + "}"

    return [
        {
            key: names.get(value, value)
            if key == "name" and row.get("type", "").split(" ")[0] not in _CONTROLS
            else _REFERENCE.sub(reference, value)
            if isinstance(value, str)
            else value
            for key, value in row.items()
        }
        for row in rows
    ]


_CONTROLS: Final = frozenset({"begin_group", "end_group", "begin_repeat", "end_repeat"})


def _lists(version: QuestionnaireVersion) -> list[ChoiceList]:
    seen: dict[str, ChoiceList] = {}
    for item in version.items:
        if item.choices is not None and item.choices.name not in seen:
            seen[item.choices.name] = item.choices
    return list(seen.values())


def choice_rows(version: QuestionnaireVersion) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for choices in _lists(version):
        for choice in choices.choices:
            row = {"list_name": choices.name, "name": choice.code} | xlsform_texts("label", choice.label)
            if choice.parent is not None:
                row["parent"] = choice.parent  # what choice_filter "parent=${item}" reads
            for column, value in choice.columns:  # what a general choice_filter reads
                row[column] = ("true" if value else "false") if isinstance(value, bool) else str(value)
            # Extra choice columns are allowed in XLSForm (platforms keep them); these two carry what the
            # analysis needs, the scale values and the special answers, and let an import restore them.
            if choice.value is not None:
                row["numeric_value"] = _number(choice.value)
            if choice.special is not None:
                row["special"] = choice.special
            rows.append(row)
    return _version_languages(version, rows)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def settings_row(version: QuestionnaireVersion) -> dict[str, str]:
    default = version.languages[0]
    return {
        "form_title": version.title.get(default),
        "form_id": f"{version.instrument}_{version.version}",
        "version": version.version,
        "default_language": XLSFORM_LANGUAGE[default],
    }


def left_out(version: QuestionnaireVersion) -> list[str]:
    """What the workbook cannot carry, in words for the person exporting it."""
    missing = []
    outside = [v.name for v in version.design_variables if v.source != "item"]
    if outside:
        missing.append(
            f"design variables from the invitation or the link ({', '.join(outside)}): "
            "pre-fill them on the platform (hidden fields)"
        )
    if version.helplines:
        missing.append("the thank-you page's helplines: add them to the platform's end-of-form message")
    if version.min_seconds:
        missing.append(f"the speeding threshold ({version.min_seconds} s): flag with the platform's own duration")
    for section in version.repeats:
        if section.repeat is not None and section.repeat.count is None:
            missing.append(
                f"the most instances of repeat {section.code!r} ({section.repeat.max}): add a constraint on "
                f"count({section.code}) on the platform if it matters"
            )
    if version.consent is not None and version.consent.mode == "child_assent":
        missing.append(f"the parental-consent mode ({version.consent.parental_consent}): organise it in the field")
    return missing


def _columns(rows: Iterable[dict[str, str]], first: tuple[str, ...]) -> list[str]:
    columns = list(first)
    for row in rows:
        columns += [key for key in row if key not in columns]
    return columns


def xlsform_workbook(version: QuestionnaireVersion) -> Workbook:
    workbook = Workbook()
    sheets = [
        ("survey", survey_rows(version), _FIRST_COLUMNS),
        ("choices", choice_rows(version), _CHOICE_COLUMNS),
        ("settings", [settings_row(version)], ()),
    ]
    for index, (title, rows, first) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = title
        columns = _columns(rows, first)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(column, "") for column in columns])
        sheet.freeze_panes = "A2"
    return workbook


def write_xlsform(version: QuestionnaireVersion, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    xlsform_workbook(version).save(path)

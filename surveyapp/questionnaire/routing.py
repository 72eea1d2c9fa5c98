"""What a respondent sees given the answers so far, and the checks of one page of answers.

Answers are a dict item code -> value as stored (see the table in questionnaires/README.md); a matrix answer
is a dict row -> code. Rules only look backwards, so one pass in questionnaire order decides relevance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from .choice_filters import all_offered
from .choice_names import with_choice_names, without_choice_names
from .errors import AnswerError
from .expression.functions import POSITION_KEY
from .messages import render
from .model import Item, QuestionnaireVersion, Section
from .question_types import question_type
from .text import LocalizedText


class PageResult(NamedTuple):
    answers: dict[str, Any]  # the page's relevant, non-empty answers (and its calculations)
    errors: dict[str, str]  # item code -> message in the requested language


def _walk(
    version: QuestionnaireVersion, answers: Mapping[str, Any], language: str | None = None
) -> Iterator[tuple[Section, Item, bool, dict[str, Any]]]:
    """Each item with its relevance, evaluated on the answers kept so far (hidden ones dropped). `language`
    is the respondent's, whose labels choice_name() gives (None: the version's first language)."""
    kept: dict[str, Any] = with_choice_names(version, {}, language)
    for section in version.sections:
        section_on = section.relevant is None or section.relevant.is_true(kept)
        if section.repeat is not None:
            stored = answers.get(section.code)
            instances = (
                repeat_instances(section, stored if isinstance(stored, list) else [], kept) if section_on else []
            )
            # The page is shown while it has an instance; relevance inside an instance is decided per instance.
            for item in section.items:
                yield section, item, section_on and bool(instances), kept
            if instances:
                kept[section.code] = instances
            continue
        for item in section.items:
            on = section_on and (item.relevant is None or item.relevant.is_true(kept))
            yield section, item, on, kept
            if not on:
                continue
            if item.calculation is not None:  # only calculate items may have one
                value = item.calculation.evaluate(kept)
                if value is not None:
                    kept[item.code] = value
            elif answers.get(item.code) is not None and question_type(item).has_answer:
                kept[item.code] = answers[item.code]


def instance_context(kept: Mapping[str, Any], instance: Mapping[str, Any], position: int) -> dict[str, Any]:
    """What a rule inside a repeat reads: the earlier pages' answers, shadowed by the instance's own answers
    (XLSForm's current()/../ siblings), and the instance's number for position()."""
    return {**kept, **instance, POSITION_KEY: position}


def repeat_instances(section: Section, stored: list[Any], kept: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The instances of a repeat page with their relevant answers (and calculations) only; as many as the
    repeat's count says, or as were stored when the respondent sets the number."""
    assert section.repeat is not None
    count = section.repeat.instances(kept, len(stored))
    result = []
    for index in range(count):
        raw = stored[index] if index < len(stored) and isinstance(stored[index], Mapping) else {}
        instance: dict[str, Any] = {}
        for item in section.items:
            context = instance_context(kept, instance, index + 1)
            if item.relevant is not None and not item.relevant.is_true(context):
                continue
            if item.calculation is not None:
                value = item.calculation.evaluate(context)
                if value is not None:
                    instance[item.code] = value
            elif raw.get(item.code) is not None and question_type(item).has_answer:
                instance[item.code] = raw[item.code]
        result.append(instance)
    return result


def instance_prefix(section: Section, position: int) -> str:
    """How the fields of a repeat's instance are named on the page: members.2.age (positions from 1)."""
    return f"{section.code}.{position}."


def instance_item(item: Item, section: Section, position: int) -> Item:
    """The item as drawn and read in one instance: the same question under the instance's field name."""
    return replace(item, code=instance_prefix(section, position) + item.code)


def relevant_in_instance(
    section: Section, kept: Mapping[str, Any], instance: Mapping[str, Any], position: int
) -> list[Item]:
    """The items shown in one instance, given the answers stored in it."""
    shown = []
    partial: dict[str, Any] = {}
    for item in section.items:
        context = instance_context(kept, partial, position)
        on = item.relevant is None or item.relevant.is_true(context)
        if on:
            if item.code in instance:
                partial[item.code] = instance[item.code]
            if question_type(item).shown:
                shown.append(item)
    return shown


def prune_hidden(
    version: QuestionnaireVersion, answers: Mapping[str, Any], language: str | None = None
) -> dict[str, Any]:
    """The answers without those to items (or pages) that are not relevant any more, without unknown codes,
    and with the calculations recomputed (in `language`, for those that read a choice's label)."""
    kept: dict[str, Any] = {}
    for _section, _item, _on, kept in _walk(version, answers, language):  # noqa: B007  (the last state is the result)
        pass
    return without_choice_names(kept)


compute_calculations = prune_hidden


def is_relevant(
    version: QuestionnaireVersion, code: str, answers: Mapping[str, Any], language: str | None = None
) -> bool:
    """Whether an item or a section is shown, given the answers."""
    section_codes = {section.code for section in version.sections}
    for section, item, on, kept in _walk(version, answers, language):
        if section.code == code and section_codes:
            return section.relevant is None or section.relevant.is_true(kept)
        if item.code == code:
            return on
    raise KeyError(code)


def relevant_items(
    version: QuestionnaireVersion,
    answers: Mapping[str, Any],
    section: str | None = None,
    language: str | None = None,
) -> list[Item]:
    """Items shown to the respondent (notes included, calculations not), optionally of one section."""
    return [
        item
        for sec, item, on, _ in _walk(version, answers, language)
        if on and question_type(item).shown and (section is None or sec.code == section)
    ]


def visible_sections(
    version: QuestionnaireVersion, answers: Mapping[str, Any], language: str | None = None
) -> list[Section]:
    """The pages to show: relevant, with at least one relevant item that is shown."""
    shown = {item.code for item in relevant_items(version, answers, language=language)}
    return [section for section in version.sections if any(item.code in shown for item in section.items)]


# Errors of a type's own bounds (min/max, earliest/latest date), which a constraint message may restate.
BOUND_ERRORS = frozenset({"min", "max", "date_min", "date_max"})


def _message(error: AnswerError, language: str) -> str:
    params = {k: v.get(language) if isinstance(v, LocalizedText) else v for k, v in error.params.items()}
    return render(error.key, language, **params)


def validate_answer(
    item: Item, value: Any, language: str, answers: Mapping[str, Any] | None = None, today: dt.date | None = None
) -> list[str]:
    """Messages (in `language`) for a coerced answer: required, type rules, cascade, constraint."""
    qtype = question_type(item)
    if not qtype.has_answer or not qtype.shown:
        return []
    answers = answers or {}
    if value is None:
        return [render("required", language)] if item.required else []
    # A designer's constraint message usually restates the item's bounds in the respondent's terms
    # ("for pupils aged 12-17"); it beats the generic "minimum value: 12" for the same rule.
    designed = item.constraint_message.get(language) if item.constraint_message else ""
    errors = []
    for error in qtype.validate(item, value, today):
        message = designed if designed and error.key in BOUND_ERRORS else _message(error, language)
        if message not in errors:
            errors.append(message)
    if item.required and not qtype.is_complete(item, value):
        errors.append(render("required_rows", language))
    if not errors and (item.choice_filter or item.choice_condition) and item.choices is not None:
        codes = value if isinstance(value, list) else [value]
        if not all_offered(item, codes, answers):
            errors.append(render("not_a_choice", language))
    if not errors and item.constraint is not None and not item.constraint.is_true({**answers, item.code: value}, value):
        errors.append(designed or render("constraint", language))
    return errors


def validate_page(
    version: QuestionnaireVersion,
    section_code: str,
    raw_form: Mapping[str, Any],
    answers: Mapping[str, Any],
    language: str,
    today: dt.date | None = None,
) -> PageResult:
    """Read one submitted page (HTML form values: a list of strings per key; matrix rows as `item.row`),
    apply skip logic with the earlier answers, and return the page's answers and per-item messages."""
    section = version.section(section_code)
    if section.repeat is not None:
        return _validate_repeat_page(version, section, raw_form, answers, language, today)
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in section.items:
        qtype = question_type(item)
        if not qtype.has_answer or not qtype.shown:
            continue
        try:
            parsed[item.code] = qtype.coerce(item, qtype.read_form(item, raw_form))
        except AnswerError as error:
            errors[item.code] = _message(error, language)
            parsed[item.code] = None
    page_codes = {item.code for item in section.items}
    merged = {k: v for k, v in answers.items() if k not in page_codes} | {
        k: v for k, v in parsed.items() if v is not None
    }
    result: dict[str, Any] = {}
    for sec, item, on, kept in _walk(version, merged, language):
        if sec.code != section_code or not on:
            continue
        if item.calculation is not None:  # only calculate items may have one
            value = item.calculation.evaluate(kept)
            if value is not None:
                result[item.code] = value
            continue
        if item.code in errors or item.code not in parsed:
            continue
        messages = validate_answer(item, parsed[item.code], language, kept, today)
        if messages:
            errors[item.code] = " ".join(messages)
        elif parsed[item.code] is not None:
            result[item.code] = parsed[item.code]
    hidden = {item.code for item in section.items} - {
        item.code for item in relevant_items(version, merged, section_code, language)
    }
    return PageResult(result, {code: message for code, message in errors.items() if code not in hidden})


def form_instances(section: Section, raw_form: Mapping[str, Any]) -> int:
    """How many instances a posted repeat page holds: its hidden count field, else the highest position named
    by a field (a page sent by a script or a test)."""
    counted = raw_form.get(f"{section.code}.count")
    values = counted if isinstance(counted, list) else [counted] if counted is not None else []
    for value in values:
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
    positions = [
        int(parts[1])
        for key in raw_form
        if len(parts := key.split(".")) > 2 and parts[0] == section.code and parts[1].isdigit()
    ]
    return max(positions, default=0)


def _validate_repeat_page(
    version: QuestionnaireVersion,
    section: Section,
    raw_form: Mapping[str, Any],
    answers: Mapping[str, Any],
    language: str,
    today: dt.date | None,
) -> PageResult:
    """A repeat page: each instance read from its own fields (members.2.age), checked with the rules of that
    instance, errors keyed by the instance's field name so the page can say which member is wrong."""
    assert section.repeat is not None
    kept = prune_hidden(version, {k: v for k, v in answers.items() if k != section.code}, language)
    # Only the earlier pages decide the count: answers of later pages are not what the respondent sees now.
    earlier = with_choice_names(version, dict(_earlier(version, section, kept)), language)
    posted = form_instances(section, raw_form)
    count = section.repeat.instances(earlier, posted)
    errors: dict[str, str] = {}
    instances: list[dict[str, Any]] = []
    for index in range(count):
        position = index + 1
        parsed: dict[str, Any] = {}
        for item in section.items:
            qtype = question_type(item)
            if not qtype.has_answer or not qtype.shown:
                continue
            named = instance_item(item, section, position)
            try:
                parsed[item.code] = qtype.coerce(item, qtype.read_form(named, raw_form))
            except AnswerError as error:
                errors[named.code] = _message(error, language)
        instance: dict[str, Any] = {}
        for item in section.items:
            context = instance_context(earlier, instance, position)
            if item.relevant is not None and not item.relevant.is_true(context):
                errors.pop(instance_prefix(section, position) + item.code, None)
                continue
            if item.calculation is not None:
                value = item.calculation.evaluate(context)
                if value is not None:
                    instance[item.code] = value
                continue
            name = instance_prefix(section, position) + item.code
            if name in errors or item.code not in parsed:
                continue
            messages = validate_answer(item, parsed[item.code], language, context, today)
            if messages:
                errors[name] = " ".join(messages)
            elif parsed[item.code] is not None:
                instance[item.code] = parsed[item.code]
        instances.append(instance)
    return PageResult({section.code: instances} if instances else {}, errors)


def _earlier(version: QuestionnaireVersion, section: Section, kept: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    before = set()
    for other in version.sections:
        if other is section:
            break
        before.add(other.code)
        before.update(item.code for item in other.items)
    return ((code, value) for code, value in kept.items() if code in before)

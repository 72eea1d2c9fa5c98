"""An ODK Collect submission read against the exact version it names, and stored once per instanceID.

The instance has the shape pyxform gives the form (see xform.py): ``<data id=INSTRUMENT version=VERSION>``,
the consent acknowledgement, one group per section holding its items (a matrix is a group of ``item_row``
fields; a repeat is one element per instance, in order), and ``meta/instanceID``. Values are turned into the
fields a web page sends and read by the same ``routing.validate_page`` as the web pages, so required answers,
constraints, choices and a roster's count are the web's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, SurveyResponse, User
from surveyapp.models.base import utcnow
from surveyapp.openrosa.xform import language_fields
from surveyapp.questionnaire import routing
from surveyapp.questionnaire.model import Item, QuestionnaireVersion, Section
from surveyapp.questionnaire.routing import instance_prefix
from surveyapp.questionnaire.xlsform import CONSENT_NAME
from surveyapp.respond import flow

_NO_ANSWER = frozenset({"calculate", "note"})  # recomputed or shown only: what the device sends is not kept


class Refused(Exception):
    """A submission that is not stored; ``message`` is shown by ODK Collect to the interviewer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Instance:
    form_id: str
    version: str
    instance_id: str
    root: Element


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def read_instance(data: bytes) -> Instance:
    try:
        # defusedxml: no DTD, no entities, so a submission cannot make the server read files or expand bombs.
        root = SafeTree.fromstring(data, forbid_dtd=True)
    except (SafeTree.ParseError, DefusedXmlException) as error:
        raise Refused(
            400, _("The submission is not well-formed XML (%(error)s). Send the form again from Collect.", error=error)
        ) from None
    form_id, version = root.get("id", ""), root.get("version", "")
    instance_id = ""
    for child in root:
        if _local(child.tag) == "meta":
            instance_id = next(((c.text or "").strip() for c in child if _local(c.tag) == "instanceID"), "")
    if not form_id or not version:
        raise Refused(400, _("The submission has no form id or version: it was not made from a form of this server."))
    if not instance_id or len(instance_id) > 64:
        raise Refused(400, _("The submission has no meta/instanceID (or one over 64 characters)."))
    return Instance(form_id, version, instance_id, root)


def consent_name(domain: QuestionnaireVersion) -> str:
    # The same renaming as the XLSForm export, so the field found here is the one the form has.
    name = CONSENT_NAME
    while any(item.code == name for item in domain.items):
        name = "_" + name
    return name


def _fields(item: Item, element: Element, path: str) -> dict[str, list[str]]:
    text = (element.text or "").strip()
    if item.type == "matrix":
        rows = {f"{item.code}_{row.code}": row.code for row in item.rows}
        form: dict[str, list[str]] = {}
        for child in element:
            name = _local(child.tag)
            if name not in rows:
                raise Refused(422, _("The field %(field)s is not in this version of the form.", field=f"{path}/{name}"))
            value = (child.text or "").strip()
            if value:
                form[f"{item.code}.{rows[name]}"] = [value]
        return form
    if not text:
        return {}
    if item.type == "multiple_choice":
        return {item.code: text.split()}
    if item.type == "rank":  # ODK sends the order as codes separated by spaces, first place first
        return {f"{item.code}.{n}": [code] for n, code in enumerate(text.split(), start=1)}
    if item.type == "geopoint":
        # ODK's geopoint: "latitude longitude altitude accuracy"
        parts = text.split()
        form = {f"{item.code}.lat": parts[:1], f"{item.code}.lon": parts[1:2]}
        if len(parts) >= 4:
            form[f"{item.code}.accuracy"] = [parts[3]]
        return form
    if item.type == "time":
        return {item.code: [text[:5]]}  # "10:30:00.000+06:00": the web keeps hours and minutes
    if item.type == "datetime":
        return {item.code: [text[:16]]}
    return {item.code: [text]}


def _section_fields(
    domain: QuestionnaireVersion, section: Section, element: Element, path: str, prefix: str
) -> dict[str, list[str]]:
    """The web page's fields of one section's group (or one repeat instance, its names after ``prefix``)."""
    items = {item.code: item for item in section.items}
    form: dict[str, list[str]] = {}
    for child in element:
        code = _local(child.tag)
        item = items.get(code)
        if item is None:
            raise Refused(422, _("The field %(field)s is not in version %(version)s of this form.",
                                 field=f"{path}/{code}", version=domain.version))
        if item.type not in _NO_ANSWER:
            form |= {prefix + key: value for key, value in _fields(item, child, f"{path}/{code}").items()}
    return form


def answers_of(domain: QuestionnaireVersion, root: Element, language: str) -> dict[str, Any]:
    """The answers the instance gives, checked as the web pages check them; Refused with every problem."""
    sections = {section.code: section for section in domain.sections}
    consent = consent_name(domain) if domain.consent is not None else None
    fields = language_fields(domain)
    forms: dict[str, dict[str, list[str]]] = {}
    consented = False
    for child in root:
        name = _local(child.tag)
        if name in ("meta", fields.choices, fields.language):  # read by shown_language, not answers
            continue
        if consent is not None and name == consent:
            consented = bool((child.text or "").strip())
            continue
        section = sections.get(name)
        if section is None:
            raise Refused(422, _("The field %(field)s is not in version %(version)s of this form.",
                                 field=name, version=domain.version))
        if section.repeat is None:
            forms[name] = _section_fields(domain, section, child, name, "")
            continue
        # A repeat: Collect sends one element per instance, in order; the page's fields are members.2.age.
        form = forms.setdefault(name, {f"{name}.count": ["0"]})
        position = int(form[f"{name}.count"][0]) + 1
        form[f"{name}.count"] = [str(position)]
        form |= _section_fields(domain, section, child, f"{name}[{position}]", instance_prefix(section, position))
    if consent is not None and not consented:
        raise Refused(422, _("The consent was not acknowledged: nothing is stored without it."))
    answers: dict[str, Any] = {}
    problems: list[str] = []
    for section in domain.sections:
        page = routing.validate_page(domain, section.code, forms.get(section.code, {}), answers, language)
        answers = routing.prune_hidden(domain, answers | page.answers, language)
        problems += [f"{section.code}/{code}: {message}" for code, message in page.errors.items()]
    if problems:
        listed = "; ".join(problems)
        raise Refused(422, _("The answers do not pass this version's rules: %(problems)s", problems=listed))
    return answers


def shown_language(domain: QuestionnaireVersion, root: Element) -> tuple[str, str]:
    """The language the form was shown in and where that came from: "form" when the XForm's own language field
    (xform.py) names one of the version's languages, else "default" (the version's first language: a form
    downloaded before the field existed, or a client that does not evaluate jr:choice-name)."""
    name = language_fields(domain).language
    value = next(((child.text or "").strip() for child in root if _local(child.tag) == name), "")
    if value in domain.languages:
        return value, "form"
    return domain.languages[0], "default"


def find(instance_id: str) -> SurveyResponse | None:
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.instance_id == instance_id))


def store(
    version_id: int, domain: QuestionnaireVersion, instance: Instance, interviewer: User
) -> tuple[SurveyResponse, bool]:
    """The stored response and whether it is new; a resend (even one racing this one) finds the first."""
    existing = find(instance.instance_id)
    if existing is not None:
        return existing, False
    language, source = shown_language(domain, instance.root)
    answers = answers_of(domain, instance.root, language)
    response = SurveyResponse(
        version_id=version_id,
        version_sha256=domain.sha256,
        language=language,
        mode="interviewer",
        interviewer_id=interviewer.id,
        instance_id=instance.instance_id,
        answers=answers,
        page_languages={section.code: language for section in domain.sections},
        started_at=utcnow(),
        status=ResponseStatus.IN_PROGRESS.value,
        design={},
        paradata={},
        quality_flags=[],
    )
    try:
        # Inside the try: flow.submit queries, so the pending row may be flushed (and refused) there already.
        db.session.add(response)
        flow.submit(response, domain)
        # The server does not see how long the interview took (the device does): no duration, no speeding flag.
        response.quality_flags = [flag for flag in response.quality_flags if flag != "speeding"]
        response.paradata = {key: value for key, value in response.paradata.items() if key != "total_seconds"}
        response.paradata["language_source"] = source  # "form": reported by the device; "default": assumed
        db.session.commit()
    except IntegrityError:
        # The unique instance_id decides between two sends of the same form at once: the other one won.
        db.session.rollback()
        first = find(instance.instance_id)
        if first is None:
            raise
        return first, False
    return response, True

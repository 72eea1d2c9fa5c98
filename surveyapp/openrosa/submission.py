"""An ODK Collect submission read against the exact version it names, and stored once per instanceID.

The instance has the shape pyxform gives the form (see xform.py): ``<data id=INSTRUMENT version=VERSION>``,
the consent acknowledgement, one group per section holding its items (a matrix is a group of ``item_row``
fields), and ``meta/instanceID``. Values are turned into the fields a web page sends and read by the same
``routing.validate_page`` as the web pages, so required answers, constraints and choices are the web's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, SurveyResponse, User
from surveyapp.models.base import utcnow
from surveyapp.questionnaire import routing
from surveyapp.questionnaire.model import Item, QuestionnaireVersion
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
            400, f"The submission is not well-formed XML ({error}). Send the form again from Collect."
        ) from None
    form_id, version = root.get("id", ""), root.get("version", "")
    instance_id = ""
    for child in root:
        if _local(child.tag) == "meta":
            instance_id = next(((c.text or "").strip() for c in child if _local(c.tag) == "instanceID"), "")
    if not form_id or not version:
        raise Refused(400, "The submission has no form id or version: it was not made from a form of this server.")
    if not instance_id or len(instance_id) > 64:
        raise Refused(400, "The submission has no meta/instanceID (or one over 64 characters).")
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
                raise Refused(422, f"The field {path}/{name} is not in this version of the form.")
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


def answers_of(domain: QuestionnaireVersion, root: Element, language: str) -> dict[str, Any]:
    """The answers the instance gives, checked as the web pages check them; Refused with every problem."""
    sections = {section.code: section for section in domain.sections}
    consent = consent_name(domain) if domain.consent is not None else None
    forms: dict[str, dict[str, list[str]]] = {}
    consented = False
    for child in root:
        name = _local(child.tag)
        if name == "meta":
            continue
        if consent is not None and name == consent:
            consented = bool((child.text or "").strip())
            continue
        section = sections.get(name)
        if section is None:
            raise Refused(422, f"The field {name} is not in version {domain.version} of this form.")
        items = {item.code: item for item in section.items}
        form: dict[str, list[str]] = {}
        for element in child:
            code = _local(element.tag)
            item = items.get(code)
            if item is None:
                raise Refused(422, f"The field {name}/{code} is not in version {domain.version} of this form.")
            if item.type not in _NO_ANSWER:
                form |= _fields(item, element, f"{name}/{code}")
        forms[name] = form
    if consent is not None and not consented:
        raise Refused(422, "The consent was not acknowledged: nothing is stored without it.")
    answers: dict[str, Any] = {}
    problems: list[str] = []
    for section in domain.sections:
        page = routing.validate_page(domain, section.code, forms.get(section.code, {}), answers, language)
        answers = routing.prune_hidden(domain, answers | page.answers, language)
        problems += [f"{section.code}/{code}: {message}" for code, message in page.errors.items()]
    if problems:
        raise Refused(422, "The answers do not pass this version's rules: " + "; ".join(problems))
    return answers


def find(instance_id: str) -> SurveyResponse | None:
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.instance_id == instance_id))


def store(
    version_id: int, domain: QuestionnaireVersion, instance: Instance, interviewer: User
) -> tuple[SurveyResponse, bool]:
    """The stored response and whether it is new; a resend (even one racing this one) finds the first."""
    existing = find(instance.instance_id)
    if existing is not None:
        return existing, False
    language = domain.languages[0]  # Collect does not say which language was shown: the form's default
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
        db.session.commit()
    except IntegrityError:
        # The unique instance_id decides between two sends of the same form at once: the other one won.
        db.session.rollback()
        first = find(instance.instance_id)
        if first is None:
            raise
        return first, False
    return response, True

"""A client that speaks to /openrosa over real HTTP as ODK Collect does: the unauthenticated first request and
its Basic challenge, formList, the XForm download checked against the announced md5, HEAD before each send,
and the multipart submission of an instance filled in from the XForm's own instance template."""

from __future__ import annotations

import base64
import hashlib
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree

XF = "{http://www.w3.org/2002/xforms}"
LIST = "{http://openrosa.org/xforms/xformsList}"
OR = "{http://openrosa.org/http/response}"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def message(self) -> str:
        root = ElementTree.fromstring(self.body)
        return root.findtext(f"{OR}message") or ""


@dataclass
class Form:
    form_id: str
    version: str
    md5: str
    url: str
    xml: bytes


class CollectClient:
    def __init__(self, server: str, username: str, password: str, language: str = "ru-RU") -> None:
        self.server = server.rstrip("/")
        self.credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.language = language

    def request(self, method: str, url: str, body: bytes | None = None, content_type: str = "",
                authenticate: bool = True) -> Answer:
        headers = {
            "X-OpenRosa-Version": "1.0",
            "Accept-Language": self.language,
            "User-Agent": "org.odk.collect.android/v2024.3.0 (test client)",
        }
        if authenticate:
            headers["Authorization"] = f"Basic {self.credentials}"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310  # loopback
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  # loopback
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def authenticated(self, method: str, url: str, body: bytes | None = None, content_type: str = "") -> Answer:
        """Collect first asks without credentials and sends them after the 401 challenge."""
        first = self.request(method, url, body, content_type, authenticate=False)
        if first.status != 401 or "Basic" not in first.headers.get("WWW-Authenticate", ""):
            return first
        return self.request(method, url, body, content_type)

    def form_list(self) -> list[Form]:
        answer = self.authenticated("GET", f"{self.server}/openrosa/formList")
        assert answer.status == 200, answer.body
        assert answer.headers["X-OpenRosa-Version"] == "1.0"
        forms = []
        for entry in ElementTree.fromstring(answer.body).findall(f"{LIST}xform"):
            url = entry.findtext(f"{LIST}downloadUrl") or ""
            xml = self.authenticated("GET", url)
            assert xml.status == 200, xml.body
            forms.append(Form(entry.findtext(f"{LIST}formID") or "", entry.findtext(f"{LIST}version") or "",
                              (entry.findtext(f"{LIST}hash") or "").removeprefix("md5:"), url, xml.body))
        return forms

    def submit(self, instance: bytes) -> Answer:
        url = f"{self.server}/openrosa/submission"
        head = self.authenticated("HEAD", url)
        assert head.status == 204, head.status
        boundary = uuid.uuid4().hex
        body = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; "
            f"filename=\"instance.xml\"\r\nContent-Type: text/xml; charset=utf-8\r\n\r\n"
        ).encode() + instance + f"\r\n--{boundary}--\r\n".encode()
        return self.request("POST", url, body, f"multipart/form-data; boundary={boundary}")


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # noqa: S324  # OpenRosa's form hash


def fill(form: Form, values: dict[str, str], instance_id: str) -> bytes:
    """The XForm's primary instance filled in and serialised as Collect does: no namespace on the fields, the
    root's id and version kept, meta/instanceID set. Fields not in ``values`` stay empty."""
    xform = ElementTree.fromstring(form.xml)
    template = xform.find(f".//{XF}model/{XF}instance/{XF}data")
    assert template is not None

    def copy(source: Element, parent: Element | None) -> Element:
        name = source.tag.removeprefix(XF)
        target = Element(name, dict(source.attrib)) if parent is None else SubElement(parent, name, dict(source.attrib))
        children = list(source)
        for child in children:
            copy(child, target)
        if not children:
            target.text = instance_id if name == "instanceID" else values.get(name)
        return target

    root = copy(template, None)
    return b"<?xml version='1.0' ?>" + tostring(root, encoding="utf-8").split(b"?>", 1)[-1].lstrip()

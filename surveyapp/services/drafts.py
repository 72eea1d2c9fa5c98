"""Questionnaire drafts kept in the database: upload, validate, edit metadata, publish, delete.

The checks are the CLI's own (``validate_paths``, ``load_version``, ``import_xlsform``): a draft is written
into a scratch copy of the questionnaires folder (its shared lists and the instrument's other version files)
so the rules across versions apply exactly as ``flask questionnaires validate`` applies them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import QuestionnaireDraft, SurveyResponse, User
from surveyapp.questionnaire import InvalidQuestionnaireError, Problem, QuestionnaireError, load_version, validate_paths
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.questionnaire.shared_lists import LISTS_FOLDER
from surveyapp.questionnaire.xlsform_import import import_xlsform
from surveyapp.services.publish_versions import PublishResult, publish

INSTRUMENT_CODE = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
VERSION_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
YAML_SUFFIXES = (".yaml", ".yml")
XLSFORM_SUFFIXES = (".xlsx", ".xls", ".csv", ".zip")


class DraftError(QuestionnaireError):
    """A draft that cannot be made or used; ``key`` names the message the web page shows in its language."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key}: {params}")
        self.key = key
        self.params = params


@dataclass
class Checked:
    """A draft's YAML text checked: the version when it loads, and every problem found on the way."""

    domain: QuestionnaireVersion | None
    report: list[dict[str, Any]] = field(default_factory=list)


def _as_dict(problem: Problem, where: str) -> dict[str, Any]:
    return {
        "where": where,
        "line": problem.line,
        "item": problem.item or "",
        "message": problem.message,
        "hint": problem.hint,
        "severity": str(problem.severity),
        # What the page needs to say it in the interface language (workbench/report_messages.py).
        "key": problem.key,
        "params": dict(problem.params),
    }


@contextmanager
def _scratch(root: Path, instrument: str, version: str, yaml_text: str) -> Iterator[Path]:
    """A scratch questionnaires folder holding the draft as ``<instrument>/<version>.yaml``."""
    with tempfile.TemporaryDirectory(prefix="draft-") as folder:
        scratch = Path(folder)
        lists = root / LISTS_FOLDER
        if lists.is_dir():
            shutil.copytree(lists, scratch / LISTS_FOLDER)
        target = scratch / instrument / f"{version}.yaml"
        target.parent.mkdir(parents=True)
        siblings = root / instrument
        if siblings.is_dir():
            for sibling in siblings.glob("*.yaml"):
                if sibling.stem != version:
                    shutil.copyfile(sibling, target.parent / sibling.name)
        target.write_text(yaml_text, encoding="utf-8")
        yield target


def check_text(yaml_text: str, instrument: str, version: str, root: Path) -> Checked:
    """Validate the draft as the CLI would; the domain object only when nothing is an error."""
    with _scratch(root, instrument, version, yaml_text) as path:
        problems = validate_paths([path])
        report = [_as_dict(p, "yaml") for p in problems]
        if any(p.is_error for p in problems):
            return Checked(None, report)
        try:
            domain = load_version(path)
        except InvalidQuestionnaireError as error:
            return Checked(None, report + [_as_dict(p, "yaml") for p in error.problems])
        # Built from the scratch file, but everything the domain holds is already in memory.
        return Checked(domain, report)


def _header(yaml_text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def read_upload(
    filename: str, data: bytes, instrument: str, version: str, population: str
) -> tuple[str, str, str, str, list[dict[str, Any]]]:
    """(format, instrument, version, yaml_text, import problems) of an uploaded file; DraftError when unusable.

    A YAML file names its own instrument and version; a workbook gets them from the form (XLSForm has no place
    for them), as ``flask questionnaires import-xlsform --instrument --version`` does.
    """
    suffix = Path(filename).suffix.lower()
    if not data:
        raise DraftError("empty")
    if suffix in YAML_SUFFIXES:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DraftError("not_utf8", position=error.start) from None
        header = _header(text)
        instrument = str(header.get("instrument") or instrument or "").strip()
        version = str(header.get("version") or version or "").strip()
        _check_codes(instrument, version)
        return "yaml", instrument, version, text, []
    if suffix not in XLSFORM_SUFFIXES:
        raise DraftError("suffix", suffix=suffix or filename)
    _check_codes(instrument, version)
    with tempfile.TemporaryDirectory(prefix="xlsform-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            imported = import_xlsform(path, instrument, version, population)
        except QuestionnaireError as error:
            raise DraftError("workbook", detail=str(error).replace(str(path), filename)) from None
        except Exception:  # a damaged workbook fails deep inside openpyxl/xlrd in many ways
            raise DraftError("unreadable") from None
    report = []
    for problem in imported.problems:
        sheet = problem.file.rsplit(":", 1)[-1] if ":" in problem.file else ""
        report.append(_as_dict(problem, f"sheet:{sheet}"))
    return "xlsform", instrument, version, imported.yaml_text, report


def _check_codes(instrument: str, version: str) -> None:
    if not INSTRUMENT_CODE.match(instrument):
        raise DraftError("instrument", value=instrument)
    if not VERSION_CODE.match(version):
        raise DraftError("version", value=version)


def save_upload(
    root: Path,
    filename: str,
    data: bytes,
    user: User | None,
    instrument: str = "",
    version: str = "",
    population: str = "adults",
    draft: QuestionnaireDraft | None = None,
) -> QuestionnaireDraft:
    """A new draft from an upload, or ``draft`` replaced by a re-upload (same instrument and version)."""
    kind, instrument, version, text, report = read_upload(
        filename, data, draft.instrument if draft else instrument, draft.version if draft else version, population
    )
    if draft is not None and (instrument, version) != (draft.instrument, draft.version):
        raise DraftError("other_version", instrument=instrument, version=version)
    if draft is None:
        existing = find(instrument, version)
        if existing is not None:
            draft = existing
    if draft is None:
        draft = QuestionnaireDraft(
            instrument=instrument, version=version, created_by_id=user.id if user is not None else None
        )
        db.session.add(draft)
    draft.source_format = kind
    draft.source_name = Path(filename).name[:255]
    draft.source_bytes = data
    draft.yaml_text = text
    if not [p for p in report if p["severity"] == "error"]:
        report += check_text(text, instrument, version, root).report
    draft.report = report
    db.session.flush()
    audit.record(
        "draft_upload",
        "questionnaire_draft",
        f"{instrument}/{version}",
        {"format": kind, "file": draft.source_name, "errors": len(draft.errors)},
        user,
    )
    return draft


def find(instrument: str, version: str) -> QuestionnaireDraft | None:
    return db.session.scalar(
        select(QuestionnaireDraft).where(
            QuestionnaireDraft.instrument == instrument, QuestionnaireDraft.version == version
        )
    )


@dataclass(frozen=True)
class Metadata:
    """What an XLSForm has no place for, as edited on the draft's page."""

    title: dict[str, str]
    population: str
    design_variables: dict[str, dict[str, Any]]
    helplines: list[dict[str, Any]]


def metadata_of(draft: QuestionnaireDraft) -> Metadata:
    header = _header(draft.yaml_text)
    title = header.get("title") if isinstance(header.get("title"), dict) else {}
    variables = header.get("design_variables") if isinstance(header.get("design_variables"), dict) else {}
    helplines = header.get("helplines") if isinstance(header.get("helplines"), list) else []
    return Metadata(
        {str(k): str(v) for k, v in (title or {}).items()},
        str(header.get("population") or ""),
        variables or {},
        helplines or [],
    )


def parse_design_variables(text: str) -> dict[str, dict[str, Any]]:
    """``name: source [item]`` one a line (e.g. ``region: item region``, ``stratum: invitation``)."""
    found: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, rest = line.partition(":")
        words = rest.split()
        if not colon or not name.strip() or not words or len(words) > 2:
            raise DraftError("design_line", line=number)
        entry: dict[str, Any] = {"source": words[0]}
        if len(words) == 2:
            entry["item"] = words[1]
        found[name.strip()] = entry
    return found


def design_variables_text(variables: dict[str, dict[str, Any]]) -> str:
    lines = []
    for name, spec in variables.items():
        if isinstance(spec, dict):
            item = f" {spec['item']}" if spec.get("item") else ""
            lines.append(f"{name}: {spec.get('source', '')}{item}")
    return "\n".join(lines)


def parse_helplines(text: str) -> list[dict[str, Any]]:
    """``phone | kk name | ru name | en name`` one a line."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3 or not parts[0]:
            raise DraftError("helpline_line", line=number)
        name = {lang: text for lang, text in zip(("kk", "ru", "en"), parts[1:4], strict=False) if text}
        found.append({"phone": parts[0], "name": name})
    return found


def helplines_text(helplines: list[dict[str, Any]]) -> str:
    lines = []
    for line in helplines:
        if isinstance(line, dict):
            name = line.get("name") if isinstance(line.get("name"), dict) else {}
            parts = [str(line.get("phone", ""))] + [str((name or {}).get(lang, "")) for lang in ("kk", "ru", "en")]
            lines.append(" | ".join(parts).rstrip(" |"))
    return "\n".join(lines)


def set_metadata(draft: QuestionnaireDraft, metadata: Metadata, root: Path, user: User | None) -> None:
    """Write the metadata into the draft's YAML (comments of an uploaded YAML are not kept) and check again."""
    try:
        data = yaml.safe_load(draft.yaml_text)
    except yaml.YAMLError:
        raise DraftError("yaml_broken") from None
    if not isinstance(data, dict):
        raise DraftError("yaml_broken")
    data["title"] = {k: v for k, v in metadata.title.items() if v}
    data["population"] = metadata.population
    if metadata.design_variables:
        data["design_variables"] = metadata.design_variables
    else:
        data.pop("design_variables", None)
    if metadata.helplines:
        data["helplines"] = metadata.helplines
    else:
        data.pop("helplines", None)
    draft.yaml_text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    draft.report = check_text(draft.yaml_text, draft.instrument, draft.version, root).report
    audit.record("draft_metadata", "questionnaire_draft", f"{draft.instrument}/{draft.version}", {}, user)


def publish_draft(draft: QuestionnaireDraft, root: Path, user: User | None) -> PublishResult:
    """Publish through the CLI's service; the draft is deleted once its version is stored."""
    checked = check_text(draft.yaml_text, draft.instrument, draft.version, root)
    if checked.domain is None:
        draft.report = checked.report
        raise DraftError("invalid", errors=len([p for p in checked.report if p["severity"] == "error"]))
    result = publish(checked.domain, user, source=f"draft:{draft.source_name}")
    delete_draft(draft, user, reason="published")
    return result


def delete_draft(draft: QuestionnaireDraft, user: User | None, reason: str = "deleted") -> None:
    """Delete the draft and its test responses (also when it is published: a version starts with none)."""
    # The database cascades too, but SQLite only with its foreign-keys pragma on: deleted here in any case.
    deleted = db.session.execute(
        delete(SurveyResponse).where(SurveyResponse.draft_id == draft.id).execution_options(synchronize_session=False)
    )
    tests = int(getattr(deleted, "rowcount", 0) or 0)
    audit.record(
        "draft_delete",
        "questionnaire_draft",
        f"{draft.instrument}/{draft.version}",
        {"reason": reason, "test_responses": tests},
        user,
    )
    db.session.delete(draft)

"""Loading and validating questionnaire files: the functions the CLI and the web app call."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from surveyapp.bundled import data_dir

from .build import BuildResult, SourceMap, build_version
from .errors import InvalidQuestionnaireError, PublishedVersionChangedError, QuestionnaireError
from .history import check_history, version_sort_key
from .model import QuestionnaireVersion
from .problem import Problem, sort_key
from .shared_lists import LISTS_FOLDER, SharedList, read_shared_lists
from .validation import check_version
from .yamlsource import Document, YamlSourceError, read_document

ROOT_ENV = "SURVEYAPP_QUESTIONNAIRES"


def default_root() -> Path:
    """questionnaires/ of the installed package or the checkout (or $SURVEYAPP_QUESTIONNAIRES)."""
    if env := os.environ.get(ROOT_ENV):
        return Path(env)
    return data_dir("questionnaires")


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class _Checked:
    result: BuildResult
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.result.version is not None and not any(p.is_error for p in self.problems)


class _Session:
    """Caches shared lists and built files during one validation run."""

    def __init__(self) -> None:
        self.shared: dict[Path, dict[str, SharedList]] = {}
        self.checked: dict[Path, _Checked] = {}

    def shared_lists(self, root: Path) -> dict[str, SharedList]:
        key = root.resolve()
        if key not in self.shared:
            self.shared[key] = read_shared_lists(root, lambda p: display_path(p))
        return self.shared[key]

    def check(self, path: Path) -> _Checked:
        key = path.resolve()
        if key in self.checked:
            return self.checked[key]
        display = display_path(path)
        try:
            document = read_document(path)
        except YamlSourceError as exc:
            empty = BuildResult(None, [], SourceMap(display, Document(None)))
            problem = Problem(
                display,
                exc.line,
                None,
                exc.message,
                "fix the YAML syntax",
                key="yaml_syntax",
                params=(("detail", exc.message),),
            )
            checked = _Checked(empty, [problem])
        except OSError as exc:
            empty = BuildResult(None, [], SourceMap(display, Document(None)))
            checked = _Checked(empty, [Problem(display, 1, None, f"cannot read the file: {exc.strerror}", "")])
        else:
            result = build_version(path, document, self.shared_lists(path.parent.parent), display)
            problems = list(result.problems)
            if result.version is not None:
                problems += check_version(result.version, result.source)
            checked = _Checked(result, problems)
        self.checked[key] = checked
        return checked

    def instrument_files(self, folder: Path) -> list[Path]:
        return sorted(folder.glob("*.yaml"), key=lambda p: version_sort_key(p.stem))

    def history(self, folder: Path, report_for: set[str]) -> list[Problem]:
        versions = []
        for path in self.instrument_files(folder):
            checked = self.check(path)
            if checked.result.version is not None:
                versions.append((checked.result.version, checked.result.source))
        return check_history(versions, report_for)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Version files under the given files and folders (folders starting with _ are skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*.yaml")):
                hidden = any(part.startswith("_") for part in found.relative_to(path).parts[:-1])
                if not hidden and not (found.parent == path and path.name.startswith("_")):
                    files.append(found)
        else:
            files.append(path)
    return files


def validate_paths(paths: Iterable[Path | str]) -> list[Problem]:
    """Every problem (errors and warnings) of the version files under `paths`, including the rules across
    the sibling versions of each instrument. Raises QuestionnaireError when a path does not exist."""
    session = _Session()
    files = expand_paths(Path(p) for p in paths)
    for path in files:
        if not path.exists():
            raise QuestionnaireError(f"no such file or folder: {path}")
    problems: list[Problem] = []
    for path in files:
        problems += session.check(path).problems
    for folder in sorted({path.parent.resolve() for path in files}):
        reported = {display_path(p) for p in files if p.parent.resolve() == folder}
        problems += session.history(folder, reported)
    shared_seen: set[str] = set()
    for lists in session.shared.values():
        for shared in lists.values():
            for problem in shared.problems:
                if str(problem) not in shared_seen:
                    shared_seen.add(str(problem))
                    problems.append(problem)
    return sorted(problems, key=sort_key)


def load_version(path: Path | str, *, check_siblings: bool = True) -> QuestionnaireVersion:
    """Load and validate one version file; InvalidQuestionnaireError lists every error.
    With check_siblings, the rules across the instrument's other versions apply too (use it to publish)."""
    path = Path(path)
    session = _Session()
    checked = session.check(path)
    problems = [p for p in checked.problems if p.is_error]
    if check_siblings and checked.result.version is not None:
        problems += [p for p in session.history(path.parent, {display_path(path)}) if p.is_error]
    if problems or checked.result.version is None:
        raise InvalidQuestionnaireError(problems or checked.problems)
    return checked.result.version


def load_canonical(canonical_json: str, source: str = "<stored>") -> QuestionnaireVersion:
    """Rebuild a version from its stored canonical JSON (shared lists are embedded); same sha256."""
    try:
        data = json.loads(canonical_json)
    except json.JSONDecodeError as exc:
        raise QuestionnaireError(f"stored content is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise QuestionnaireError("stored content is not a questionnaire")
    fake = Path(source) / str(data.get("instrument")) / f"{data.get('version')}.yaml"
    result = build_version(fake, Document(data, {(): 1}), {}, source)
    problems = [p for p in result.problems if p.is_error]
    if result.version is not None:
        problems += [p for p in check_version(result.version, result.source) if p.is_error]
    if problems or result.version is None:
        raise InvalidQuestionnaireError(problems)
    return result.version


def load_tree(root: Path | str | None = None) -> list[QuestionnaireVersion]:
    """Every version under root (default: the checkout's questionnaires/), ordered by instrument and version;
    InvalidQuestionnaireError if any file has an error."""
    root = Path(root) if root is not None else default_root()
    problems = [p for p in validate_paths([root]) if p.is_error]
    if problems:
        raise InvalidQuestionnaireError(problems)
    versions = [load_version(path, check_siblings=False) for path in expand_paths([root])]
    return sorted(versions, key=lambda v: (v.instrument, version_sort_key(v.version)))


def version_path(instrument: str, version: str, root: Path | str | None = None) -> Path:
    root = Path(root) if root is not None else default_root()
    if instrument.startswith("_") or "/" in instrument or "/" in version:
        raise QuestionnaireError(f"not an instrument/version: {instrument} {version}")
    return root / instrument / f"{version}.yaml"


def instrument_versions(instrument: str, root: Path | str | None = None) -> list[str]:
    root = Path(root) if root is not None else default_root()
    folder = root / instrument
    if instrument == LISTS_FOLDER or not folder.is_dir():
        return []
    return [p.stem for p in sorted(folder.glob("*.yaml"), key=lambda p: version_sort_key(p.stem))]


def check_published(version: QuestionnaireVersion, published_sha256: str) -> None:
    """Refuse a changed file under an already published version."""
    if version.sha256 != published_sha256:
        raise PublishedVersionChangedError(
            f"{version.instrument} {version.version} is already published with sha256 {published_sha256[:12]}…, "
            f"but {display_path(version.source_path)} now has {version.sha256[:12]}…: published versions are "
            f"immutable; put the changes in a new version file (e.g. {version.instrument}/<next>.yaml)"
        )

"""The whole version: the parts read in file order, then the canonical content and its hash."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..canonical import canonical_json, sha256_hex
from ..model import QuestionnaireVersion
from ..problem import Problem
from ..shared_lists import SharedList
from ..text import LocalizedText
from ..yamlsource import Document
from . import conduct, header
from .choices import named_lists
from .design import design_variables
from .reader import Reader, SourceMap
from .sections import sections


@dataclass
class BuildResult:
    version: QuestionnaireVersion | None
    problems: list[Problem]
    source: SourceMap


def build_version(path: Path, document: Document, shared: dict[str, SharedList], display: str) -> BuildResult:
    reader = Reader(path, document, shared, display)
    version = _build(reader)
    return BuildResult(version, reader.problems, reader.source)


def _build(reader: Reader) -> QuestionnaireVersion | None:
    data = reader.doc.data
    if not isinstance(data, dict):
        reader.error(
            (),
            None,
            "the file must be a mapping with instrument, version, sections, ...",
            "start from the example in questionnaires/README.md",
        )
        return None
    # The order of the reads is the order of the problems in the report.
    header.check_top(reader, data)
    instrument = header.instrument(reader, data)
    version, data = header.version(reader, data)
    title = reader.text(("title",), data.get("title"), None, "title")
    description = header.note(reader, data, "description")
    changes = header.note(reader, data, "changes")
    population = header.population(reader, data)
    age_range = header.age_range(reader, data.get("age_range"))
    languages = header.languages(reader, data.get("languages"))
    minutes = header.estimated_minutes(reader, data.get("estimated_minutes"))
    consent = conduct.consent(reader, data.get("consent"), population)
    min_seconds = conduct.quality(reader, data.get("quality"))
    helplines = conduct.helplines(reader, data.get("helplines"))
    raw_lists = named_lists(reader, data.get("choice_lists"))
    built_sections = sections(reader, data.get("sections"))
    design = design_variables(reader, data.get("design_variables"))
    content = _canonical_content(reader, data, raw_lists)
    return QuestionnaireVersion(
        instrument=instrument,
        version=version,
        title=title or LocalizedText(),
        population=str(population),
        languages=languages,
        sections=tuple(built_sections),
        choice_lists=tuple(reader.lists.values()),
        source_path=reader.path,
        canonical_json=content,
        sha256=sha256_hex(content),
        description=description,
        age_range=age_range,
        estimated_minutes=minutes,
        consent=consent,
        design_variables=design,
        min_seconds=min_seconds,
        helplines=helplines,
        changes=changes,
    )


def _canonical_content(reader: Reader, data: dict[str, Any], raw_lists: dict[Any, Any]) -> str:
    """The file's data with every included shared list resolved, so the stored form stands alone."""
    canonical = copy.deepcopy(data)
    for name, resolved in reader.resolved_lists.items():
        if resolved is not None and name in raw_lists:
            canonical["choice_lists"][name] = resolved
    return canonical_json(canonical)

"""From YAML data (with line numbers) to a QuestionnaireVersion, collecting every structural problem.

The builder is tolerant: a broken item is reported and left out, so one run reports as many problems as
possible. Cross-item rules (expressions, reachability, export columns) are in validation/.

One module per part of the file: reader (shared state, texts, expressions), header, conduct (consent,
quality, helplines), choices, sections, items, design (design variables), version (the whole, in order).
"""

from .reader import SourceMap, closest, suggest
from .version import BuildResult, build_version

__all__ = ["BuildResult", "SourceMap", "build_version", "closest", "suggest"]

"""Questionnaires as versioned bilingual data (Flask-free).

Load and validate: load_version, load_canonical, load_tree, validate_paths. Compare: diff_versions.
Respond: visible_sections, relevant_items, prune_hidden, validate_page. Types: QUESTION_TYPES.
"""

from .diff import VersionDiff, diff_versions
from .errors import (
    AnswerError,
    ExpressionError,
    InvalidQuestionnaireError,
    PublishedVersionChangedError,
    QuestionnaireError,
)
from .expression import Expression
from .loader import (
    check_published,
    default_root,
    instrument_versions,
    load_canonical,
    load_tree,
    load_version,
    validate_paths,
    version_path,
)
from .model import Choice, ChoiceList, Item, MatrixRow, QuestionnaireVersion, Section
from .problem import Problem, Severity
from .question_types import QUESTION_TYPES, QuestionType
from .routing import (
    compute_calculations,
    is_relevant,
    prune_hidden,
    relevant_items,
    validate_answer,
    validate_page,
    visible_sections,
)
from .text import LANGUAGES, LocalizedText

__all__ = [
    "LANGUAGES",
    "QUESTION_TYPES",
    "AnswerError",
    "Choice",
    "ChoiceList",
    "Expression",
    "ExpressionError",
    "InvalidQuestionnaireError",
    "Item",
    "LocalizedText",
    "MatrixRow",
    "Problem",
    "PublishedVersionChangedError",
    "QuestionType",
    "QuestionnaireError",
    "QuestionnaireVersion",
    "Section",
    "Severity",
    "VersionDiff",
    "check_published",
    "compute_calculations",
    "default_root",
    "diff_versions",
    "instrument_versions",
    "is_relevant",
    "load_canonical",
    "load_tree",
    "load_version",
    "prune_hidden",
    "relevant_items",
    "validate_answer",
    "validate_page",
    "validate_paths",
    "version_path",
    "visible_sections",
]

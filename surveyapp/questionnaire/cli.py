"""Command line of the questionnaire package (the Flask CLI wraps the same functions).

Exit codes: 0 fine, 1 the questionnaire has errors, 2 usage error or unreadable path. No tracebacks for
questionnaire problems: they are the expected output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from analysis.vocabulary import LANGUAGES

from .diff import diff_versions
from .errors import InvalidQuestionnaireError, QuestionnaireError
from .loader import default_root, expand_paths, instrument_versions, load_version, validate_paths, version_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m surveyapp.questionnaire", description="Validate and compare questionnaire versions."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check files or folders (default: questionnaires/)")
    validate.add_argument("paths", nargs="*", type=Path)
    validate.add_argument("--quiet", "-q", action="store_true", help="print only the summary and errors")
    diff = commands.add_parser("diff", help="what changed between two versions of an instrument")
    diff.add_argument("instrument")
    diff.add_argument("old")
    diff.add_argument("new")
    diff.add_argument("--root", type=Path, default=None, help="questionnaires folder")
    diff.add_argument("--language", default="en", choices=LANGUAGES, help="language of quoted labels")
    hash_ = commands.add_parser("hash", help="print the sha256 of a version's canonical content")
    hash_.add_argument("path", type=Path)
    return parser


def _validate(paths: list[Path], quiet: bool, out: TextIO) -> int:
    paths = paths or [default_root()]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    problems = validate_paths(paths)
    for problem in problems:
        if problem.is_error or not quiet:
            print(problem, file=out)
    files = len(expand_paths(paths))
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(f"{files} file(s) checked: {errors} error(s), {warnings} warning(s)", file=out)
    return 1 if errors else 0


def _diff(instrument: str, old: str, new: str, root: Path | None, language: str, out: TextIO) -> int:
    versions = instrument_versions(instrument, root)
    if not versions:
        print(f"error: no instrument {instrument!r} under {root or default_root()}", file=sys.stderr)
        return 2
    for version in (old, new):
        if version not in versions:
            print(f"error: {instrument} has no version {version!r} (versions: {', '.join(versions)})", file=sys.stderr)
            return 2
    try:
        loaded = [load_version(version_path(instrument, v, root), check_siblings=False) for v in (old, new)]
    except InvalidQuestionnaireError as exc:
        for problem in exc.problems:
            print(problem, file=out)
        print("error: fix the problems above before comparing", file=sys.stderr)
        return 1
    print(diff_versions(loaded[0], loaded[1]).format_text(language), file=out)
    return 0


def _hash(path: Path, out: TextIO) -> int:
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    try:
        version = load_version(path)
    except InvalidQuestionnaireError as exc:
        for problem in exc.problems:
            print(problem, file=out)
        return 1
    print(f"{version.sha256}  {version.instrument} {version.version}", file=out)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    try:
        if args.command == "validate":
            return _validate(args.paths, args.quiet, out)
        if args.command == "diff":
            return _diff(args.instrument, args.old, args.new, args.root, args.language, out)
        return _hash(args.path, out)
    except QuestionnaireError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

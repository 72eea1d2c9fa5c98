"""ODK Validate (the JavaRosa parser ODK Collect runs, shipped inside pyxform) over a set of XForms.

One JVM reads them all, as the jar accepts several files: that takes about a second where one call per form
takes one each. Only when it refuses something (or warns) does pyxform's own ``check_xform`` go through the
forms one by one, to name each refused form with pyxform's cleaned message.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from pyxform.validators.odk_validate import ODK_VALIDATE_PATH, ODKValidateError, check_xform
from pyxform.validators.util import run_popen_with_timeout

NO_JAVA = pytest.mark.skipif(
    shutil.which("java") is None, reason="ODK Validate is a Java program and `java` is not on the PATH"
)


def odk_problems(xforms: Mapping[str, str], folder: Path) -> dict[str, str]:
    """What ODK Validate says against each form it refuses or warns about, by name; {} when all pass."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for index, (name, xml) in enumerate(xforms.items()):
        files[name] = folder / f"form_{index}.xml"
        files[name].write_text(xml, encoding="utf-8")
    command = ["java", "-Djava.awt.headless=true", "-jar", ODK_VALIDATE_PATH, *map(str, files.values())]
    result = run_popen_with_timeout(command, 300)
    assert not result.timeout, "ODK Validate did not finish in 300 s"
    if result.return_code == 0 and not result.stderr.strip():
        return {}
    problems: dict[str, str] = {}
    for name, path in files.items():
        try:
            warnings = check_xform(str(path))
        except ODKValidateError as refused:
            problems[name] = str(refused)
        else:
            if warnings:
                problems[name] = "\n".join(warnings)
    assert problems, f"ODK Validate failed on the set but on no form alone: {result.stderr!r}"
    return problems

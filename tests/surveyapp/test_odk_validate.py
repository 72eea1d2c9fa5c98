"""Exports pass ODK Validate: every published questionnaire, the household roster, a form with jr:choice-name
and the real forms answered end to end, both as the XLSForm a researcher downloads (converted by pyxform) and
as the XForm /openrosa serves."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from surveyapp.openrosa.xform import xform_of
from surveyapp.questionnaire import QuestionnaireVersion, load_version
from surveyapp.questionnaire.loader import expand_paths
from surveyapp.questionnaire.xlsform import write_xlsform
from tests.surveyapp.odk_validate import NO_JAVA, odk_problems
from tests.surveyapp.questionnaire.choice_name_fixture import choice_name_yaml
from tests.surveyapp.questionnaire.conftest import QUESTIONNAIRES
from tests.surveyapp.test_real_xlsforms import ANSWERED
from tests.surveyapp.xlsform_corpus import FIXTURES, completed, import_fixture, write

pytestmark = [pytest.mark.slow, NO_JAVA]

HOUSEHOLD = Path(__file__).resolve().parents[1] / "fixtures" / "repeats" / "household.yaml"


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, QuestionnaireVersion]:
    """Every shipped instrument and version, the repeat fixture, and each real form once completed."""
    found = {f"{p.parent.name}/{p.stem}": load_version(p) for p in expand_paths([QUESTIONNAIRES])}
    root = tmp_path_factory.mktemp("questionnaires")
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    household = root / "household" / "2025.yaml"
    household.parent.mkdir()
    household.write_text(HOUSEHOLD.read_text(encoding="utf-8"), encoding="utf-8")
    found["repeats/household"] = load_version(household)
    labels = root / "example" / "2025.yaml"  # jr:choice-name in a calculation and in a relevance
    labels.parent.mkdir()
    labels.write_text(choice_name_yaml(), encoding="utf-8")
    found["choice_name"] = load_version(labels)
    for name, media in ANSWERED:
        found[name] = load_version(write(root / name.replace("/", "_"), completed(import_fixture(name, media))))
    return found


def test_every_xlsform_export_converts_cleanly_and_passes_odk_validate(
    versions: dict[str, QuestionnaireVersion], tmp_path: Path
) -> None:
    assert len(versions) == 7 + 2 + len(ANSWERED)
    xforms: dict[str, str] = {}
    for name, version in versions.items():
        workbook = tmp_path / "xlsx" / f"{name.replace('/', '_')}.xlsx"
        write_xlsform(version, workbook)
        said: list[str] = []
        xforms[name] = convert(str(workbook), warnings=said).xform
        assert [w for w in said if not _as_in_the_source(name, w)] == [], (name, said)
    assert odk_problems(xforms, tmp_path / "xml") == {}


# A real form's extra languages are written back as it named them ("French"): pyxform's warning that such
# names carry no language code is the source workbook's own, not the export's.
_NO_LANGUAGE_CODE = "do not contain valid machine-readable codes"


def _as_in_the_source(name: str, warning: str) -> bool:
    if _NO_LANGUAGE_CODE not in warning or name not in dict(ANSWERED):
        return False
    source: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's note on a workbook without a default style
        convert(str(FIXTURES / name), warnings=source)
    return any(_NO_LANGUAGE_CODE in w for w in source)


def test_every_served_xform_passes_odk_validate(versions: dict[str, QuestionnaireVersion], tmp_path: Path) -> None:
    assert odk_problems({name: xform_of(v).xml for name, v in versions.items()}, tmp_path) == {}


def test_a_broken_form_is_refused_and_named(versions: dict[str, QuestionnaireVersion], tmp_path: Path) -> None:
    """The check above is not a no-op: a relevance Collect cannot parse is refused, the good form beside it not."""
    good = xform_of(versions["repeats/household"]).xml
    broken = good.replace("<bind ", '<bind relevant="count(" ', 1)
    problems = odk_problems({"good": good, "broken": broken}, tmp_path)
    assert list(problems) == ["broken"]
    assert "Mismatched brackets or parentheses" in problems["broken"]

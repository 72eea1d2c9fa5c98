from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from surveyapp.questionnaire import (
    InvalidQuestionnaireError,
    PublishedVersionChangedError,
    check_published,
    diff_versions,
    instrument_versions,
    load_canonical,
    load_version,
    validate_paths,
)
from surveyapp.questionnaire.cli import main
from surveyapp.questionnaire.loader import expand_paths

from .conftest import QUESTIONNAIRES, ROOT, readme_example

SHIPPED = expand_paths([QUESTIONNAIRES])


def test_import_is_flask_free() -> None:
    code = "import sys, surveyapp.questionnaire; assert 'flask' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_every_shipped_file_validates() -> None:
    errors = [str(p) for p in validate_paths([QUESTIONNAIRES]) if p.is_error]
    assert errors == []


@pytest.mark.parametrize("path", SHIPPED, ids=[f"{p.parent.name}/{p.stem}" for p in SHIPPED])
def test_canonical_round_trip(path: Path) -> None:
    version = load_version(path)
    again = load_canonical(version.canonical_json)
    assert again.sha256 == version.sha256
    assert again.items == tuple(item for item in again.items)
    assert [i.code for i in again.items] == [i.code for i in version.items]


def test_hash_ignores_comments_and_key_order(write: Callable[..., Path]) -> None:
    text = readme_example()
    first = load_version(write(text)).sha256
    reordered = text.replace(
        'instrument: example\nversion: "2025"', '# a comment\nversion: "2025"\ninstrument: example'
    )
    assert load_version(write(reordered)).sha256 == first
    assert load_version(write(text.replace("Рахмет!", "Рақмет!"))).sha256 != first


def test_published_version_is_immutable(write: Callable[..., Path]) -> None:
    path = write(readme_example())
    published = load_version(path).sha256
    check_published(load_version(path), published)
    path.write_text(readme_example().replace("Рахмет!", "Рақмет!"), encoding="utf-8")
    with pytest.raises(PublishedVersionChangedError, match="new version"):
        check_published(load_version(path), published)


def test_load_version_raises_with_all_problems(write: Callable[..., Path]) -> None:
    broken = readme_example().replace("type: integer", "type: integr").replace("choices: safe4", "choices: x")
    with pytest.raises(InvalidQuestionnaireError) as caught:
        load_version(write(broken))
    assert {p.item for p in caught.value.problems} >= {"age", "safe_dark"}


def _two_versions(write: Callable[..., Path]) -> None:
    old = readme_example().replace('version: "2025"', 'version: "2024"')
    write(old, version="2024")
    new = readme_example()
    new = new.replace("Сколько вам полных лет?", "Сколько вам исполнилось полных лет?")
    new = new.replace(
        "      - code: victim_other\n", "      - code: victim_other_text\n        renamed_from: victim_other\n"
    )
    new = new.replace('      - code: young\n        type: calculate\n        calculation: "age < 30"\n', "")
    new = new.replace(
        '    - {code: dont_know, special: dont_know, label: {kk: "Білмеймін", ru: "Затрудняюсь ответить"}}\n',
        '    - {code: dont_know, special: dont_know, label: {kk: "Білмеймін", ru: "Затрудняюсь ответить"}}\n'
        '    - {code: never_out, special: not_applicable, label: {kk: "Шықпаймын", ru: "Не выхожу"}}\n',
    )
    new = new.replace(
        "      - code: thanks\n",
        "      - code: police_seen\n        type: single_choice\n"
        '        label: {kk: "Полицияны көрдіңіз бе?", ru: "Видели ли вы полицию?"}\n'
        "        choices: yes_no\n      - code: thanks\n",
    )
    write(new)


def test_diff_reports_the_intended_changes(write: Callable[..., Path], tree: Path) -> None:
    _two_versions(write)
    assert validate_paths([tree]) == []
    diff = diff_versions(load_version(tree / "example/2024.yaml"), load_version(tree / "example/2025.yaml"))
    assert [i.code for i in diff.added] == ["police_seen"]
    assert [i.code for i in diff.removed] == ["young"]
    assert [(c.old_code, c.code) for c in diff.renamed] == [("victim_other", "victim_other_text")]
    assert [(c.code, t.language) for c in diff.reworded for t in c.texts] == [("age", "ru")]
    assert [(c.code, c.recoded) for c in diff.recoded] == [("safe_dark", ("choices added: never_out",))]
    text = diff.format_text()
    assert "+ police_seen [single_choice, section safety]" in text
    assert "label [ru]: “Сколько вам полных лет?” -> “Сколько вам исполнилось полных лет?”" in text


def test_cli_validate_diff_and_exit_codes(
    write: Callable[..., Path], tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _two_versions(write)
    assert main(["validate", str(tree)]) == 0
    assert "2 file(s) checked: 0 error(s)" in capsys.readouterr().out
    assert main(["diff", "example", "2024", "2025", "--root", str(tree)]) == 0
    assert "Items renamed (same meaning) (1):" in capsys.readouterr().out
    assert main(["diff", "example", "2024", "2030", "--root", str(tree)]) == 2
    assert "versions: 2024, 2025" in capsys.readouterr().err
    assert main(["validate", str(tree / "nope.yaml")]) == 2
    broken = write(readme_example().replace("choices: safe4", "choices: safe5"), version="2026")
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "2026.yaml:" in out and "[safe_dark] unknown choice list 'safe5'" in out
    assert instrument_versions("example", tree) == ["2024", "2025", "2026"]


def test_module_entry_point_has_no_traceback(write: Callable[..., Path]) -> None:
    broken = write(readme_example().replace("instrument: example\n", "instrument: [\n"))
    done = subprocess.run(
        [sys.executable, "-m", "surveyapp.questionnaire", "validate", str(broken)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "YAML syntax" in done.stdout

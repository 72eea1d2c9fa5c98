"""One broken file per kind of mistake: each message must name the file, the line and the item."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from surveyapp.questionnaire import validate_paths

from .conftest import readme_example


@dataclass(frozen=True)
class Case:
    id: str
    old: str  # text of the README example to replace (must occur)
    new: str
    message: str  # fragment of the expected message
    item: str | None  # item (or section / list) the message must name
    marker: str  # the expected line is the line of this text in the broken file...
    occurrence: int = 1  # ...at this occurrence


CASES = [
    Case(
        "duplicate_item_code",
        "code: victim_other",
        "code: victim_types",
        "duplicate item code 'victim_types'",
        "victim_types",
        "code: victim_types",
        2,
    ),
    Case(
        "dangling_reference",
        "selected(victim_any, 'yes')",
        "selected(victim_anyy, 'yes')",
        "unknown item 'victim_anyy'",
        "victim_types",
        'relevant: "selected(victim_anyy',
    ),
    Case(
        "unknown_choice_in_selected",
        "selected(victim_any, 'yes')",
        "selected(victim_any, 'ja')",
        "'ja' is not a choice of 'victim_any'",
        "victim_types",
        "relevant: \"selected(victim_any, 'ja')",
    ),
    Case(
        "forward_reference",
        "        min: 18\n",
        '        min: 18\n        relevant: "answered(safe_dark)"\n',
        "refers to 'safe_dark', which comes later",
        "age",
        'relevant: "answered(safe_dark)',
    ),
    Case(
        "missing_kazakh",
        'label: {kk: "Сіз неше жастасыз?", ru: "Сколько вам полных лет?"}',
        'label: {ru: "Сколько вам полных лет?"}',
        "no Kazakh (kk) text",
        "age",
        'label: {ru: "Сколько вам полных',
    ),
    Case(
        "missing_russian",
        'label: {kk: "Қандай қылмыс?", ru: "Какое именно?"}',
        'label: {kk: "Қандай қылмыс?"}',
        "no Russian (ru) text",
        "victim_types",
        'label: {kk: "Қандай қылмыс?"}',
    ),
    Case(
        "plain_string_label",
        'label: {kk: "Нақтылаңыз", ru: "Уточните"}',
        'label: "Уточните"',
        "must be a mapping of languages",
        "victim_other",
        'label: "Уточните"',
    ),
    Case(
        "unknown_type",
        'type: integer\n        label: {kk: "Сіз',
        'type: integr\n        label: {kk: "Сіз',
        "unknown type 'integr'",
        "age",
        "type: integr",
    ),
    Case(
        "unknown_choice_list",
        "choices: safe4",
        "choices: safe5",
        "unknown choice list 'safe5'",
        "safe_dark",
        "choices: safe5",
    ),
    Case(
        "duplicate_choice_code",
        "{code: rather_unsafe, value: 2",
        "{code: rather_safe, value: 2",
        "'rather_safe' appears twice",
        None,
        "{code: rather_safe, value: 2",
    ),
    Case(
        "scale_without_values",
        "{code: very_unsafe, value: 1,",
        "{code: very_unsafe,",
        "'very_unsafe' of list 'safe4' has no numeric value",
        "safe_dark",
        "choices: safe4",
    ),
    Case(
        "bad_special",
        "special: dont_know, label",
        "special: dunno, label",
        "unknown special code 'dunno'",
        None,
        "special: dunno",
    ),
    Case(
        "unknown_shared_list",
        "{include: regions}",
        "{include: regionz}",
        "unknown shared list 'regionz'",
        None,
        "{include: regionz}",
    ),
    Case(
        "unreachable_item",
        "relevant: \"selected(victim_types, 'other')\"",
        'relevant: "age < 18"',
        "unreachable",
        "victim_other",
        'relevant: "age < 18"',
    ),
    Case(
        "expression_syntax",
        "relevant: \"selected(victim_types, 'other')\"",
        'relevant: "age >> 3"',
        "relevant: expected a value",
        "victim_other",
        'relevant: "age >> 3"',
    ),
    Case(
        "choice_compared_with_number",
        "relevant: \"selected(victim_any, 'yes')\"",
        'relevant: "victim_any = 1"',
        "its answer is a code, not 1",
        "victim_types",
        'relevant: "victim_any = 1"',
    ),
    Case(
        "multiple_choice_compared_with_equals",
        "relevant: \"selected(victim_types, 'other')\"",
        "relevant: \"victim_types = 'other'\"",
        "never matches a list",
        "victim_other",
        "victim_types = 'other'",
    ),
    Case(
        "constraint_without_message",
        '        constraint_message:\n          kk: "Сан таңдалған',
        '        x_constraint_message:\n          kk: "Сан таңдалған',
        "constraint has no constraint_message",
        "victims_count",
        'constraint: ". >= count_selected',
    ),
    Case(
        "unknown_key",
        "        required: true\n        min: 18",
        "        requred: true\n        min: 18",
        "unknown key 'requred'",
        "age",
        "requred: true",
    ),
    Case(
        "min_above_max",
        "min: 1\n        max: 99",
        "min: 100\n        max: 99",
        "min 100 is larger than max 99",
        "victims_count",
        "min: 100",
    ),
    Case(
        "not_snake_case",
        "code: victim_other",
        "code: VictimOther",
        "'VictimOther' is not snake_case",
        None,
        "code: VictimOther",
    ),
    Case(
        "choice_filter_orphan_parent",
        "{code: medeu, parent: almaty,",
        "{code: medeu, parent: almatty,",
        "parent 'almatty' of choice 'medeu' is not a choice of 'region'",
        "district",
        "choices: districts",
    ),
    Case(
        "design_variable_unknown_item",
        "district: {source: item, item: district}",
        "district: {source: item, item: distrct}",
        "names unknown item 'distrct'",
        "district",
        "item: distrct",
    ),
    Case(
        "instrument_not_folder",
        "instrument: example",
        "instrument: examples",
        "does not match the folder",
        None,
        "instrument: examples",
    ),
    Case(
        "version_not_file_name",
        'version: "2025"',
        'version: "2026"',
        "does not match the file name",
        None,
        'version: "2026"',
    ),
    Case(
        "duplicate_key",
        "        max_length: 200",
        "        max_length: 200\n        max_length: 100",
        "key 'max_length' appears twice",
        None,
        "max_length: 100",
    ),
    Case("yaml_syntax", "      - code: thanks\n", "      - code: thanks\n     bad: [\n", "YAML syntax", None, "bad: ["),
    Case(
        "pupils_without_assent",
        "population: adults",
        "population: pupils",
        "pupils are asked for assent",
        None,
        "mode: adult",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_broken_file_is_reported_with_file_line_and_item(case: Case, write: Callable[..., Path]) -> None:
    good = readme_example()
    assert case.old in good, f"case {case.id}: the README example changed"
    broken = good.replace(case.old, case.new, 1)
    path = write(broken)
    problems = [p for p in validate_paths([path]) if p.is_error]
    matching = [p for p in problems if case.message in p.message]
    assert matching, f"{case.id}: expected {case.message!r}, got:\n" + "\n".join(map(str, problems))
    problem = matching[0]
    expected_line = _line_of(broken, case.marker, case.occurrence)
    assert problem.file.endswith("example/2025.yaml")
    assert problem.line == expected_line, str(problem)
    text = str(problem)
    assert text.startswith(f"{problem.file}:{expected_line}:")
    if case.item:
        assert problem.item == case.item
        assert f"[{case.item}]" in text
    assert problem.hint or case.id in ("duplicate_key",), f"{case.id}: no fix hint"


def _line_of(text: str, marker: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.index(marker, start + 1)
    return text.count("\n", 0, start) + 1


def test_the_readme_example_is_valid(write: Callable[..., Path]) -> None:
    assert validate_paths([write(readme_example())]) == []


# --- across versions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message", "item", "marker"),
    [
        (
            'type: scale\n        label:\n          kk: "Қараңғы',
            'type: single_choice\n        label:\n          kk: "Қараңғы',
            "code 'safe_dark' reused with a different meaning",
            "safe_dark",
            "type: single_choice\n        label:\n",
        ),
        (
            "{code: very_unsafe, value: 1,",
            "{code: very_unsafe, value: 0,",
            "changed value 1 -> 0",
            "safe_dark",
            "choices: safe4",
        ),
        (
            '    - {code: dont_know, special: dont_know, label: {kk: "Білмеймін"',
            '    - {code: dunno, special: dont_know, label: {kk: "Білмеймін"',
            "choice 'dont_know' was removed",
            "safe_dark",
            "choices: safe4",
        ),
        (
            "      - code: young\n",
            "      - code: young\n        replaces: never_there\n",
            "no earlier version of 'example' has item 'never_there'",
            "young",
            "replaces: never_there",
        ),
        (
            "      - code: safe_dark\n        type: scale\n",
            "      - code: feel_dark\n        renamed_from: safe_dark\n        type: single_choice\n",
            "renamed_from 'safe_dark' (version 2024) but the item was scale",
            "feel_dark",
            "renamed_from: safe_dark",
        ),
        (
            "      - code: young\n",
            "      - code: young\n        replaces: age\n",
            "'age' is still an item",
            "young",
            "replaces: age",
        ),
    ],
)
def test_codes_keep_their_meaning_across_versions(
    write: Callable[..., Path], old: str, new: str, message: str, item: str, marker: str
) -> None:
    good = readme_example()
    write(good.replace('version: "2025"', 'version: "2024"'), version="2024")
    assert old in good
    changed = good.replace(old, new, 1)
    path = write(changed)
    problems = [p for p in validate_paths([path]) if p.is_error]
    matching = [p for p in problems if message in p.message]
    assert matching, "\n".join(map(str, problems))
    assert matching[0].item == item
    assert matching[0].line == _line_of(changed, marker, 1)
    assert matching[0].hint


def test_declared_replacement_is_accepted(write: Callable[..., Path]) -> None:
    good = readme_example()
    write(good.replace('version: "2025"', 'version: "2024"'), version="2024")
    new = good.replace(
        "      - code: safe_dark\n        type: scale\n",
        "      - code: safe_dark_yn\n        replaces: safe_dark\n        type: single_choice\n",
    )
    new = new.replace("choices: safe4", "choices: yes_no")
    assert validate_paths([write(new)]) == [p for p in validate_paths([write(new)]) if not p.is_error]

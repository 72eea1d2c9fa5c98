"""The one tidy table every export format is written from: which variables (names, labels in one language,
codes, missing codes) and the responses as chunks of rows, read from the database a chunk at a time."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, StoredVersion, SurveyResponse
from surveyapp.questionnaire.history import version_sort_key
from surveyapp.questionnaire.model import Item, QuestionnaireVersion

# Special answers as numbers: negative, so they never collide with a substantive code (a district list has
# hundreds); Stata gets them as extended missing values, SPSS as user-missing values.
SPECIAL_NUMBERS: Final = {"dont_know": -1, "refuse": -2, "not_applicable": -3}
STATA_MISSING: Final = {"dont_know": "a", "refuse": "b", "not_applicable": "c"}
SPECIAL_LABELS: Final = {
    "dont_know": {"kk": "Білмеймін", "ru": "Затрудняюсь ответить", "en": "Don't know"},
    "refuse": {"kk": "Жауап беруден бас тарту", "ru": "Отказ от ответа", "en": "Refused"},
    "not_applicable": {"kk": "Қатысы жоқ", "ru": "Неприменимо", "en": "Not applicable"},
}
CODED_TYPES: Final = frozenset({"single_choice", "scale"})
NUMBER_TYPES: Final = frozenset({"integer", "decimal"})
FREE_TEXT_TYPES: Final = frozenset({"text", "long_text"})
DESIGN_NAMES: Final = ("stratum", "psu", "base_weight", "region", "district", "settlement", "sex", "age_group")
_ATTACHED: Final = frozenset({"final_weight", "in_run"})  # set per chunk from the run, not per row
NAME_LIMIT: Final = 32  # Stata's limit (SPSS allows 64 bytes): one name in every format


@dataclass
class Variable:
    """One column: `kind` is code (a choice, stored as its string code), number, flag (0/1), text or time."""

    name: str
    code: str  # the item code (with the matrix row or choice) the column comes from
    label: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)  # string code -> label (code variables)
    numbers: dict[str, int] = field(default_factory=dict)  # string code -> integer code (SPSS, Stata, codebook)
    special: tuple[str, ...] = ()  # the codes that are special answers (missing values)
    versions: list[str] = field(default_factory=list)
    rule: str = ""  # the skip rule in words (the relevance expression as written)
    free_text: bool = False
    instances: bool = False  # the number of instances of the repeat `code` (its items are in its own table)
    table: str = "data"  # the table the column is in: the responses, or a repeat's long table


@dataclass
class ExportTable:
    instrument: str
    language: str
    versions: list[StoredVersion]
    variables: list[Variable]
    run_id: int | None
    weights: pd.Series  # final weight by response id; empty without a run
    replicate_weights: pd.DataFrame | None = None  # repw_1..repw_R by response id (the run's rows), if asked
    repeats: list[RepeatExport] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]


@dataclass
class RepeatExport:
    """A repeat's long table: one row per instance, linked to its response by response_id."""

    code: str
    table: ExportTable
    frame: pd.DataFrame


def _valid_name(code: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", code)
    if not re.match(r"[A-Za-z_]", name):
        name = "v_" + name
    name = name[:NAME_LIMIT]
    base, n = name, 1
    while name.lower() in taken:
        n += 1
        suffix = f"_{n}"
        name = base[: NAME_LIMIT - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _text(value: Any, language: str) -> str:
    return value.get(language) if value is not None else ""


def _coded(variable: Variable, item: Item, language: str) -> None:
    """Add the item's choices to a code variable: integer codes from the choices' numeric values when they
    are distinct whole numbers, else their order; special answers get the fixed negative codes."""
    choices = item.choices.choices if item.choices else ()
    substantive = [c for c in choices if not c.special]
    values = [c.value for c in substantive]
    by_value = all(isinstance(v, int | float) and float(v).is_integer() and v >= 0 for v in values) and len(
        set(values)
    ) == len(values)
    for position, choice in enumerate(substantive, start=1):
        if choice.code in variable.numbers:
            continue
        number = int(choice.value) if by_value and choice.value is not None else position
        while number in variable.numbers.values():  # a choice added in a later version: the next free code
            number += 1
        variable.numbers[choice.code] = number
        variable.labels[choice.code] = choice.label.get(language)
    for choice in choices:
        if choice.special and choice.code not in variable.numbers:
            variable.numbers[choice.code] = SPECIAL_NUMBERS.get(choice.special, -9)
            variable.labels[choice.code] = choice.label.get(language)
            variable.special = (*variable.special, choice.code)


def build_variables(domains: Sequence[QuestionnaireVersion], language: str) -> list[Variable]:
    """Meta columns, design variables, the final weight, then the items of every version (newest first), an
    item code keeping its meaning across versions (the history rule), so one code is one column."""
    taken: set[str] = set()
    design = _META_LABELS["design"][language]
    variables = [
        Variable(_valid_name(code, taken), code, label, kind)
        for code, label, kind in (
            *((code, _META_LABELS[code][language], kind) for code, kind in _META_KINDS),
            *((name, f"{design}: {name}", "number" if name == "base_weight" else "text") for name in DESIGN_NAMES),
            ("final_weight", _META_LABELS["final_weight"][language], "number"),
        )
    ]
    by_code: dict[str, Variable] = {}
    for domain in sorted(domains, key=lambda d: version_sort_key(d.version), reverse=True):
        for section in domain.repeats:
            # The roster's size stays with the response; its answers go to the repeat's own table.
            if section.code not in by_code and section.repeat is not None:
                label = f"{section.repeat.label.get(language)}: {_INSTANCES[language]}"
                variable = Variable(_valid_name(section.code, taken), section.code, label, "number", instances=True)
                by_code[section.code] = variable
                variables.append(variable)
            by_code[section.code].versions.insert(0, domain.version)
        once = [item for section in domain.sections if section.repeat is None for item in section.items]
        _add_items(variables, by_code, taken, domain.version, once, language)
    return variables


_INSTANCES: Final = {"kk": "даналар саны", "ru": "число записей", "en": "number of instances"}

_META_KINDS: Final = (
    ("response_id", "text"),
    ("instrument", "text"),
    ("version", "text"),
    ("language", "text"),
    ("started_at", "time"),
    ("submitted_at", "time"),
    ("status", "text"),
    ("quality_flags", "text"),
    ("in_run", "flag"),
    ("excluded", "flag"),
    ("exclusion_reason", "text"),
)
# The export runs as a background job, outside any request's language: its own labels are spelled out here.
_META_LABELS: Final[dict[str, dict[str, str]]] = {
    "response_id": {
        "kk": "Жауаптың бүркеншік идентификаторы",
        "ru": "Псевдонимный идентификатор ответа",
        "en": "Pseudonymous response id",
    },
    "instrument": {"kk": "Сауалнама", "ru": "Анкета", "en": "Instrument"},
    "version": {
        "kk": "Жауап берілген сауалнама нұсқасы",
        "ru": "Версия анкеты, на которую дан ответ",
        "en": "Questionnaire version answered",
    },
    "language": {"kk": "Сауалнама тілі", "ru": "Язык опроса", "en": "Language of the interview"},
    "started_at": {"kk": "Басталды (UTC)", "ru": "Начато (UTC)", "en": "Started (UTC)"},
    "submitted_at": {"kk": "Жіберілді (UTC)", "ru": "Отправлено (UTC)", "en": "Submitted (UTC)"},
    "status": {"kk": "Күйі", "ru": "Статус", "en": "Status"},
    "quality_flags": {
        "kk": "Сапа белгілері (нүктелі үтірмен бөлінген)",
        "ru": "Отметки качества (через точку с запятой)",
        "en": "Quality flags (semicolon-separated)",
    },
    "in_run": {
        "kk": "Есептеуге алынды (1) немесе алынбады (0)",
        "ru": "Использован в расчёте (1) или исключён (0)",
        "en": "Used by the computation run (1) or excluded (0)",
    },
    "excluded": {
        "kk": "Зерттеуші көрсеткіштерді есептеуден алып тастады (1) немесе жоқ (0)",
        "ru": "Исключён исследователем из расчёта показателей (1) или нет (0)",
        "en": "Excluded from indicator computation by a researcher (1) or not (0)",
    },
    "exclusion_reason": {
        "kk": "Алып тастау себебі",
        "ru": "Причина исключения",
        "en": "Why the response was excluded",
    },
    "design": {"kk": "Дизайн", "ru": "Дизайн", "en": "Design"},
    "final_weight": {
        "kk": "Есептеудің соңғы калибрленген салмағы",
        "ru": "Итоговый калиброванный вес расчёта",
        "en": "Final calibrated weight of the computation run",
    },
    "instance": {"kk": "Дана нөмірі (1-ден)", "ru": "Номер записи (с 1)", "en": "Instance number (from 1)"},
}


def build_repeat_variables(domains: Sequence[QuestionnaireVersion], language: str) -> dict[str, list[Variable]]:
    """Per repeat, the columns of its long table: response_id, instance (from 1), then its items."""
    result: dict[str, list[Variable]] = {}
    taken_by: dict[str, set[str]] = {}
    by_code_of: dict[str, dict[str, Variable]] = {}
    for domain in sorted(domains, key=lambda d: version_sort_key(d.version), reverse=True):
        for section in domain.repeats:
            if section.code not in result:
                taken = taken_by.setdefault(section.code, set())
                result[section.code] = [
                    Variable(
                        _valid_name("response_id", taken), "response_id", _META_LABELS["response_id"][language], "text"
                    ),
                    Variable(_valid_name("instance", taken), "instance", _META_LABELS["instance"][language], "number"),
                ]
            _add_items(
                result[section.code],
                by_code_of.setdefault(section.code, {}),
                taken_by[section.code],
                domain.version,
                list(section.items),
                language,
            )
    for code, variables in result.items():
        for variable in variables:
            variable.table = code
    return result


def _add_items(
    variables: list[Variable],
    by_code: dict[str, Variable],
    taken: set[str],
    version: str,
    items: Sequence[Item],
    language: str,
) -> None:
    for item in items:
        for code, label, kind in _item_columns(item, language):
            variable = by_code.get(code)
            if variable is None:
                variable = Variable(_valid_name(code, taken), code, label, kind, free_text=item.type in FREE_TEXT_TYPES)
                variable.rule = item.relevant.text if item.relevant is not None else ""
                by_code[code] = variable
                variables.append(variable)
            variable.versions.insert(0, version)
            if kind == "code":
                _coded(variable, item, language)


def _item_columns(item: Item, language: str) -> list[tuple[str, str, str]]:
    label = item.label.get(language)
    if item.type in CODED_TYPES:
        return [(item.code, label, "code")]
    if item.type == "matrix":
        return [(f"{item.code}.{row.code}", f"{label} — {row.label.get(language)}", "code") for row in item.rows]
    if item.type == "multiple_choice":
        choices = item.choices.choices if item.choices else ()
        return [(f"{item.code}.{c.code}", f"{label} — {c.label.get(language)}", "flag") for c in choices]
    if item.type == "rank":
        # One coded column per place, holding the option put there (first place first).
        places = range(1, len(item.choices.choices) + 1) if item.choices else range(0)
        return [(f"{item.code}.rank{n}", f"{label} — {n}", "code") for n in places]
    if item.type in NUMBER_TYPES:
        return [(item.code, label, "number")]
    if item.type == "note":
        return []
    return [(item.code, label, "text")]


def pseudonym(response_id: int, secret: str) -> str:
    """A stable id that does not give away the database row id."""
    return hmac.new(secret.encode(), str(response_id).encode(), hashlib.sha256).hexdigest()[:16]


def _renames(domains: Sequence[QuestionnaireVersion]) -> dict[str, dict[str, str]]:
    """Per version: the current code -> the code this version stored it under (renamed_from in later ones)."""
    result: dict[str, dict[str, str]] = {d.version: {} for d in domains}
    for domain in domains:
        for item in domain.items:
            if item.renamed_from:
                for other in domains:
                    if version_sort_key(other.version) < version_sort_key(domain.version):
                        result[other.version][item.code] = item.renamed_from
    return result


def chunks(
    table: ExportTable,
    domains: Sequence[QuestionnaireVersion],
    start: datetime,
    end: datetime,
    secret: str,
    size: int = 20_000,
) -> Iterator[pd.DataFrame]:
    """The submitted responses of the period, `size` rows at a time, as the table's columns (codes as strings,
    empty where a version did not ask the item)."""
    versions = {v.id: v.version for v in table.versions}
    renames = _renames(domains)
    items = [v for v in table.variables if v.versions]
    query = (
        select(
            SurveyResponse.id,
            SurveyResponse.version_id,
            SurveyResponse.language,
            SurveyResponse.started_at,
            SurveyResponse.submitted_at,
            SurveyResponse.status,
            SurveyResponse.quality_flags,
            SurveyResponse.design,
            SurveyResponse.answers,
            SurveyResponse.excluded_at,
            SurveyResponse.exclusion_reason,
        )
        .where(
            SurveyResponse.version_id.in_(list(versions)),
            SurveyResponse.status == ResponseStatus.SUBMITTED.value,
            SurveyResponse.submitted_at >= start,
            SurveyResponse.submitted_at < end,
        )
        .order_by(SurveyResponse.id)
        .execution_options(yield_per=size)
    )
    weights = table.weights
    for part in db.session.execute(query).partitions(size):
        # Column by column (one comprehension per variable) rather than row by row: the inner loops run in
        # C-speed list building, several times faster at a hundred items per response.
        ids = [row[0] for row in part]
        answers = [row[8] or {} for row in part]
        designs = [row[7] or {} for row in part]
        row_versions = [versions[row[1]] for row in part]
        columns: dict[str, list[Any]] = {
            "response_id": [pseudonym(i, secret) for i in ids],
            "instrument": [table.instrument] * len(part),
            "version": row_versions,
            "language": [row[2] for row in part],
            "started_at": [row[3] for row in part],
            "submitted_at": [row[4] for row in part],
            "status": [row[5] for row in part],
            "quality_flags": [";".join(row[6] or []) for row in part],
            "excluded": [int(row[9] is not None) for row in part],
            "exclusion_reason": [row[10] or None for row in part],
        }
        for name in DESIGN_NAMES:
            values = [design.get(name) for design in designs]
            # JSON keeps a numeric stratum or PSU as a number: one type per column (text) in every format.
            columns[name] = values if name == "base_weight" else [None if v in (None, "") else str(v) for v in values]
        present = set(row_versions)
        # The stored answers of one item, picked out once: a select-multiple's choices and a matrix's rows are
        # many columns of the same answer, and picking from every response's dict is the export's inner loop.
        picked: dict[tuple[tuple[str, str], ...], list[Any]] = {}
        for variable in items:
            head = variable.code.partition(".")[0]
            keys = {version: renames[version].get(head, head) for version in present if version in variable.versions}
            if not keys:
                columns[variable.name] = [None] * len(part)
                continue
            which = tuple(sorted(keys.items()))
            raw = picked.get(which)
            if raw is None:
                if len(keys) == len(present) and len(set(keys.values())) == 1:
                    key = next(iter(keys.values()))
                    raw = [a.get(key) for a in answers]
                else:  # asked by some of the chunk's versions only, or renamed between them
                    raw = [a.get(keys[v]) if v in keys else None for a, v in zip(answers, row_versions, strict=True)]
                picked[which] = raw
            columns[variable.name] = (
                [len(v) if isinstance(v, list) else None for v in raw] if variable.instances else _cells(variable, raw)
            )
        kinds = {v.name: v.kind for v in table.variables}
        frame = pd.DataFrame({name: _column(columns[name], kinds[name]) for name in table.names if name in columns})
        id_index = pd.Index(np.asarray(ids, dtype=np.int64))
        final = weights.reindex(id_index).to_numpy() if len(weights) else np.full(len(ids), np.nan)
        frame["final_weight"] = final
        frame["in_run"] = (~np.isnan(final)).astype(float) if table.run_id is not None else np.nan
        if table.replicate_weights is not None:
            # All columns at once: hundreds of single insertions would fragment the frame.
            replicated = table.replicate_weights.reindex(id_index).set_axis(frame.index)
            frame = pd.concat([frame, replicated], axis=1)
        yield typed(frame[table.names], table.variables)


_RANK_PLACE: Final = re.compile(r"^rank\d+$")


def _cells(variable: Variable, raw: list[Any]) -> list[Any]:
    """An item's stored answers as the column's cells: a matrix row or a choice flag picked out, text plain."""
    _, _, rest = variable.code.partition(".")
    if rest and variable.kind == "flag":
        return [None if not v else int(rest in v) for v in raw]
    if rest and variable.kind == "code" and _RANK_PLACE.match(rest) and any(isinstance(v, list) for v in raw):
        place = int(rest[4:]) - 1  # a rank's place: its answers are lists of codes, first place first
        return [v[place] if isinstance(v, list) and place < len(v) else None for v in raw]
    if rest:
        return [v.get(rest) if isinstance(v, dict) else None for v in raw]
    if variable.kind == "text":
        return [None if v is None or v == "" else v if isinstance(v, str) else _plain(v) for v in raw]
    return raw


def repeat_frame(
    code: str,
    variables: Sequence[Variable],
    versions: Sequence[StoredVersion],
    start: datetime,
    end: datetime,
    secret: str,
) -> pd.DataFrame:
    """The long table of repeat `code`: one row per instance of every submitted response of the period. A
    roster is small beside the responses (a few members each), so it is built in one frame."""
    query = (
        select(SurveyResponse.id, SurveyResponse.answers)
        .where(
            SurveyResponse.version_id.in_([v.id for v in versions]),
            SurveyResponse.status == ResponseStatus.SUBMITTED.value,
            SurveyResponse.submitted_at >= start,
            SurveyResponse.submitted_at < end,
        )
        .order_by(SurveyResponse.id)
    )
    ids: list[str] = []
    positions: list[int] = []
    instances: list[dict[str, Any]] = []
    for response_id, answers in db.session.execute(query):
        stored = (answers or {}).get(code)
        for position, instance in enumerate(stored if isinstance(stored, list) else [], start=1):
            if isinstance(instance, dict):
                ids.append(pseudonym(response_id, secret))
                positions.append(position)
                instances.append(instance)
    columns: dict[str, list[Any]] = {}
    for variable in variables:
        if variable.code == "response_id":
            columns[variable.name] = ids
        elif variable.code == "instance":
            columns[variable.name] = positions
        else:
            head = variable.code.partition(".")[0]
            columns[variable.name] = _cells(variable, [instance.get(head) for instance in instances])
    return typed(pd.DataFrame(columns, columns=[v.name for v in variables]), variables)


def _plain(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_PLAIN_NUMBERS: Final = frozenset({int, float, type(None)})


def _column(values: list[Any], kind: str) -> Any:
    """A chunk's column in its final dtype where that is cheap and certain, so that neither the frame's
    constructor nor typed() infers and converts it again: numbers that are all int, float or None straight
    to float64 (None is NaN), text as object (pandas would infer its string dtype, typed() undo it). Anything
    else (a bool, a numeric string) is left to typed()'s general conversion."""
    if kind in {"number", "flag"}:
        if {type(v) for v in values} <= _PLAIN_NUMBERS:
            return np.array(values, dtype=np.float64)
        return values
    if kind == "time":
        return values
    return pd.Series(np.fromiter(values, dtype=object, count=len(values)), dtype=object, copy=False)


def typed(frame: pd.DataFrame, variables: Sequence[Variable]) -> pd.DataFrame:
    """One dtype per kind, so that every chunk has the same schema (numbers float, the rest text)."""
    for variable in variables:
        column = frame[variable.name]
        if variable.kind in {"number", "flag"}:
            if column.dtype != np.float64:
                frame[variable.name] = pd.to_numeric(column, errors="coerce").astype("float64")
        elif variable.kind == "time":
            frame[variable.name] = pd.to_datetime(column, utc=True).dt.tz_localize(None)
        else:
            text = column if column.dtype == object else column.astype(object)
            frame[variable.name] = text.where(text.notna(), None)
    return frame

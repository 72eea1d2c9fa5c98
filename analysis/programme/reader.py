"""A programme file's parsed YAML checked and turned into a :class:`~analysis.programme.model.Programme`."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from analysis.definition import parse_definition
from analysis.design import LonelyPSU
from analysis.errors import ProgrammeError
from analysis.vocabulary import LANGUAGES, POPULATIONS

from .model import (
    CHANGE_KINDS,
    CHANGE_SAMPLES,
    DEFAULT_LONELY_PSU,
    LONELY_PSU_RULES,
    Direction,
    Indicator,
    Kind,
    Observation,
    Place,
    PopulationSettings,
    Programme,
    Reading,
    Source,
    Target,
    Text,
    Unit,
)


def parse_programme(data: Any, source: str) -> Programme:
    """Build a Programme from already parsed YAML; ``source`` names the file in error messages."""
    reader = _Reader(source)
    top = reader.mapping(data, "", required=("code", "name", "period", "document", "coordinator", "indicators"),
                         optional=("note", "populations"))
    code = reader.text(top["code"], "code")
    if source.endswith((".yaml", ".yml")) and Path(source).stem != code:
        raise ProgrammeError(f"{source}: code {code!r} must equal the file name ({Path(source).stem!r})")
    period = top["period"]
    if not (isinstance(period, list) and len(period) == 2 and all(_is_int(y) for y in period)
            and period[0] <= period[1]):
        raise ProgrammeError(f"{source}: period must be [first_year, last_year], got {period!r}")
    raw = top["indicators"]
    if not isinstance(raw, list) or not raw:
        raise ProgrammeError(f"{source}: indicators must be a non-empty list")
    indicators = tuple(reader.indicator(item, i, code, (period[0], period[1])) for i, item in enumerate(raw))
    seen: set[str] = set()
    for indicator in indicators:
        if indicator.code in seen:
            raise ProgrammeError(f"{source}: indicator code {indicator.code!r} is used twice")
        seen.add(indicator.code)
    return Programme(
        code=code,
        name=reader.names(top["name"], "name"),
        period=(period[0], period[1]),
        document=reader.place(top["document"], "document"),
        coordinator=reader.text(top["coordinator"], "coordinator"),
        indicators=indicators,
        note=reader.optional_text(top.get("note"), "note"),
        populations=reader.populations(top.get("populations")),
    )


_INDICATOR_KEYS = ("code", "name", "unit", "direction", "source", "agencies", "document", "targets")
_INDICATOR_OPTIONAL = ("baseline", "history", "definition", "note", "change_reading")
_TARGET_KEYS = ("value", "kind")
_TARGET_OPTIONAL = ("base_year", "reading", "note")


class _Reader:
    """Checks one file's structure; every message starts with the file and the key path at fault."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, message: str) -> ProgrammeError:
        return ProgrammeError(f"{self.source}: {key}: {message}" if key else f"{self.source}: {message}")

    def mapping(self, value: Any, key: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
                ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping, got {_type(value)}")
        for name in value:
            if name not in required and name not in optional:
                allowed = ", ".join((*required, *optional))
                raise self.fail(_join(key, str(name)), f"unknown key (allowed: {allowed})")
        for name in required:
            if name not in value:
                raise self.fail(_join(key, name), "missing")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty text, got {_type(value)}")
        return value

    def optional_text(self, value: Any, key: str) -> str | None:
        return None if value is None else self.text(value, key)

    def names(self, value: Any, key: str) -> Text:
        data = self.mapping(value, key, required=LANGUAGES)
        return Text(*(self.text(data[lang], _join(key, lang)) for lang in LANGUAGES))

    def place(self, value: Any, key: str) -> Place:
        data = self.mapping(value, key, required=("file", "place"))
        return Place(self.text(data["file"], _join(key, "file")), self.text(data["place"], _join(key, "place")))

    def choice(self, value: Any, key: str, enum: type[StrEnum]) -> Any:
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise self.fail(key, f"{value!r} is not one of: {allowed}") from None

    def number(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"expected a number, got {_type(value)} {value!r}")
        return float(value)

    def populations(self, value: Any) -> Mapping[str, PopulationSettings]:
        if value is None:
            return MappingProxyType({})
        data = self.mapping(value, "populations", required=(), optional=POPULATIONS)
        settings: dict[str, PopulationSettings] = {}
        for name, raw in data.items():
            key = _join("populations", name)
            entry = self.mapping(raw, key, required=(), optional=("lonely_psu", "change_samples"))
            rule = entry.get("lonely_psu", DEFAULT_LONELY_PSU.value)
            if rule not in LONELY_PSU_RULES:
                allowed = ", ".join(r.value for r in LONELY_PSU_RULES)
                raise self.fail(_join(key, "lonely_psu"), f"{rule!r} is not one of: {allowed}")
            samples = entry.get("change_samples", "independent")
            if samples not in CHANGE_SAMPLES:
                raise self.fail(_join(key, "change_samples"), f"{samples!r} is not one of: {', '.join(CHANGE_SAMPLES)}")
            settings[name] = PopulationSettings(lonely_psu=LonelyPSU(rule), change_samples=samples)
        return MappingProxyType(settings)

    def observation(self, value: Any, key: str) -> Observation:
        data = self.mapping(value, key, required=("year", "value"), optional=("note",))
        year, number = data["year"], data["value"]
        if year is not None and not _is_int(year):
            raise self.fail(_join(key, "year"), f"expected a year or null, got {year!r}")
        return Observation(
            year=year,
            value=None if number is None else self.number(number, _join(key, "value")),
            note=self.optional_text(data.get("note"), _join(key, "note")),
        )

    def indicator(self, value: Any, index: int, programme: str, period: tuple[int, int]) -> Indicator:
        code = value.get("code") if isinstance(value, dict) else None
        key = f"indicators[{index}]" + (f" ({code})" if isinstance(code, str) else "")
        data = self.mapping(value, key, required=_INDICATOR_KEYS, optional=_INDICATOR_OPTIONAL)
        code = self.text(data["code"], _join(key, "code"))
        source = self.choice(data["source"], _join(key, "source"), Source)
        agencies = data["agencies"]
        if not isinstance(agencies, list) or not agencies or not all(isinstance(a, str) and a for a in agencies):
            raise self.fail(_join(key, "agencies"), "expected a non-empty list of agency abbreviations")
        reading = data.get("change_reading")
        default_reading = None if reading is None else self.choice(reading, _join(key, "change_reading"), Reading)
        targets = self.targets(data["targets"], _join(key, "targets"), period, default_reading)
        history = data.get("history") or []
        if not isinstance(history, list):
            raise self.fail(_join(key, "history"), "expected a list of {year, value, note}")
        definition = data.get("definition")
        if source is Source.SURVEY and definition is None:
            raise self.fail(_join(key, "definition"), "missing: a survey indicator needs a definition")
        if source is not Source.SURVEY and definition is not None and not isinstance(definition, dict):
            raise self.fail(_join(key, "definition"), "expected a mapping")
        return Indicator(
            programme=programme,
            code=code,
            name=self.names(data["name"], _join(key, "name")),
            unit=self.choice(data["unit"], _join(key, "unit"), Unit),
            direction=self.choice(data["direction"], _join(key, "direction"), Direction),
            source=source,
            agencies=tuple(agencies),
            document=self.place(data["document"], _join(key, "document")),
            targets=targets,
            baseline=None if data.get("baseline") is None
            else self.observation(data["baseline"], _join(key, "baseline")),
            history=tuple(self.observation(h, f"{_join(key, 'history')}[{i}]") for i, h in enumerate(history)),
            definition=None if definition is None
            else parse_definition(definition, f"{self.source}: {_join(key, 'definition')}"),
            note=self.optional_text(data.get("note"), _join(key, "note")),
        )

    def targets(self, value: Any, key: str, period: tuple[int, int], reading: Reading | None
                ) -> tuple[Target, ...]:
        if not isinstance(value, dict) or not value:
            raise self.fail(key, "expected a mapping of year -> {value, kind, ...} with at least one year")
        targets = []
        for year, spec in value.items():
            where = _join(key, str(year))
            if not _is_int(year):
                raise self.fail(where, "a target's key must be a year (an integer)")
            if not period[0] <= year <= period[1]:
                raise self.fail(where, f"year outside the programme period {period[0]}-{period[1]}")
            data = self.mapping(spec, where, required=_TARGET_KEYS, optional=_TARGET_OPTIONAL)
            kind = self.choice(data["kind"], _join(where, "kind"), Kind)
            base_year = data.get("base_year")
            if base_year is not None and not _is_int(base_year):
                raise self.fail(_join(where, "base_year"), f"expected a year, got {base_year!r}")
            if kind is Kind.CHANGE_VS_BASE and base_year is None:
                raise self.fail(_join(where, "base_year"), "missing: a change_vs_base target needs its base year")
            if kind not in CHANGE_KINDS and base_year is not None:
                raise self.fail(_join(where, "base_year"), f"only change targets have a base year, not {kind.value}")
            own = data.get("reading")
            target_reading = reading if own is None else self.choice(own, _join(where, "reading"), Reading)
            if kind in (Kind.CHANGE_VS_BASE, Kind.CHANGE_VS_PREVIOUS) and target_reading is None:
                raise self.fail(_join(where, "reading"),
                                "missing: say whether the change is relative or in points (change_reading)")
            targets.append(Target(
                year=year,
                value=self.number(data["value"], _join(where, "value")),
                kind=kind,
                base_year=base_year,
                reading=target_reading if kind in (Kind.CHANGE_VS_BASE, Kind.CHANGE_VS_PREVIOUS) else None,
                note=self.optional_text(data.get("note"), _join(where, "note")),
            ))
        return tuple(sorted(targets, key=lambda t: t.year))


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__

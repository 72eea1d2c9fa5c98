"""What a programme file holds: programmes, indicators, yearly targets as printed, and the target as a value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from analysis.definition import SurveyDefinition
from analysis.design import LonelyPSU
from analysis.errors import ProgrammeError


class Kind(StrEnum):
    """How a yearly target is stated. The comparison each kind implies is in :mod:`analysis.status`."""

    LEVEL = "level"  # an absolute value; the good side follows the indicator's direction, the value itself counts
    AT_LEAST = "at_least"  # "not lower than" / "кемінде" / "не менее": value or more
    ABOVE = "above"  # "above" / "жоғары": strictly more than the value
    AT_MOST = "at_most"  # "not more than": value or less
    CHANGE_VS_BASE = "change_vs_base"  # change against base_year, in % of the base (or points, see reading)
    CHANGE_VS_PREVIOUS = "change_vs_previous"  # change against the previous year's observed value, every year
    ABSOLUTE_CHANGE_VS_BASE = "absolute_change_vs_base"  # "+1000 posts": added to the base figure, in units
    RANK = "rank"  # a position in an external rating: the printed place or better (a smaller number)


class Reading(StrEnum):
    """How a change target's number applies to the base: the documents do not always say (A4, A6, B7)."""

    RELATIVE = "relative"  # -3 means base x 0.97
    POINTS = "points"  # -3 means base - 3 (percentage points for a share)


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Source(StrEnum):
    SURVEY = "survey"
    ADMINISTRATIVE = "administrative"
    EXTERNAL_RATING = "external_rating"  # published by a third party (Global Peace Index, WJP, WHO)


class Unit(StrEnum):
    PERCENT = "percent"
    POINTS = "points"
    PER_100K = "per_100k"
    PER_10K = "per_10k"
    COUNT = "count"
    RANK = "rank"


CHANGE_KINDS = frozenset({Kind.CHANGE_VS_BASE, Kind.CHANGE_VS_PREVIOUS, Kind.ABSOLUTE_CHANGE_VS_BASE})

# A stratum left with one PSU in a year's sample (a region where one district answered) must not stop the whole
# population's computation: by default its PSU's deviation is taken from the overall mean (R's "adjust",
# conservative). "error" is not offered: a yearly run has to produce its numbers, with a warning.
DEFAULT_LONELY_PSU = LonelyPSU.ADJUST
LONELY_PSU_RULES = tuple(rule for rule in LonelyPSU if rule is not LonelyPSU.ERROR)


@dataclass(frozen=True, slots=True)
class Text:
    kk: str
    ru: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"kk": self.kk, "ru": self.ru, "en": self.en}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a figure is printed: the source file (see shared/seeds/README.md) and the section/row in it."""

    file: str
    place: str


@dataclass(frozen=True, slots=True)
class Observation:
    """A figure printed in the document (baseline or an earlier year), with what it is a figure of."""

    year: int | None
    value: float | None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    year: int
    value: float
    kind: Kind
    base_year: int | None = None
    reading: Reading | None = None  # only for change kinds
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    programme: str
    code: str
    name: Text
    unit: Unit
    direction: Direction
    source: Source
    agencies: tuple[str, ...]
    document: Place
    targets: tuple[Target, ...]  # ordered by year
    baseline: Observation | None = None
    history: tuple[Observation, ...] = ()
    definition: SurveyDefinition | None = None
    note: str | None = None

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(t.year for t in self.targets)

    def target(self, year: int) -> Target:
        for target in self.targets:
            if target.year == year:
                return target
        raise ProgrammeError(f"indicator {self.code} has no target for {year} (years: {_years(self.years)})")

    @property
    def final_target(self) -> Target:
        return self.targets[-1]


@dataclass(frozen=True, slots=True)
class PopulationSettings:
    """How one population's survey is analysed in this programme (the ``populations`` key of the file)."""

    lonely_psu: LonelyPSU = DEFAULT_LONELY_PSU
    # How the yearly samples relate, for the change between years (analysis.change): "independent" (fresh PSUs
    # each year) or "panel" (the same PSUs, matched by stratum and PSU code, so their covariance counts).
    change_samples: str = "independent"


CHANGE_SAMPLES = ("independent", "panel")


@dataclass(frozen=True, slots=True)
class Programme:
    code: str
    name: Text
    period: tuple[int, int]
    document: Place
    coordinator: str
    indicators: tuple[Indicator, ...]
    note: str | None = None
    populations: Mapping[str, PopulationSettings] = field(default_factory=lambda: MappingProxyType({}))

    def population(self, name: str) -> PopulationSettings:
        """The settings of population ``name``; the defaults when the file sets none."""
        return self.populations.get(name) or PopulationSettings()

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        known = ", ".join(i.code for i in self.indicators)
        raise ProgrammeError(f"programme {self.code} has no indicator {code!r} (known: {known})")


# ---------------------------------------------------------------------------------------------- targets
def absolute_target(target: Target, base_value: float | None = None) -> float:
    """The target as a value of the indicator itself.

    ``level``/``at_least``/``above``/``at_most``/``rank`` already are; change kinds need ``base_value``: the
    indicator's value in ``target.base_year`` (``change_vs_base``, ``absolute_change_vs_base``) or in the
    previous year (``change_vs_previous``). ``-3`` read as relative gives ``base x 0.97``; read as points,
    ``base - 3``.
    """
    if target.kind not in CHANGE_KINDS:
        return target.value
    if base_value is None:
        what = f"{target.base_year}" if target.base_year is not None else "the base year"
        if target.kind is Kind.CHANGE_VS_PREVIOUS:
            what = f"{target.year - 1}"
        raise ProgrammeError(f"the {target.year} target is a {target.kind.value}: give the value of {what}")
    if target.kind is Kind.ABSOLUTE_CHANGE_VS_BASE or target.reading is Reading.POINTS:
        return base_value + target.value
    return base_value * (1.0 + target.value / 100.0)


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(map(str, years))

"""What a yearly report needs, as frozen dataclasses that know nothing of the database.

The Flask side fills a :class:`ReportData` from the stored computation run; the renderers (PDF, XLSX, HTML)
only read it. Every number is printed as given: the renderers never recompute an estimate or a status, so
what a ministry reads is exactly the stored result.

Values are in the indicator's own unit as its targets are printed: a share is in percent (59.3, not 0.593),
a rate per 100,000 is the rate, a count is the count. Texts that come with the data (category labels,
printed targets, notes) are already in the report's language; indicator and programme names carry all three
languages (:class:`analysis.programme.Text`) so one ReportData can be re-rendered in another language by
changing only ``language`` (the category labels then stay as they were given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType

from analysis.ci import CIMethod, is_small_df
from analysis.programme import Direction, Kind, Reading, Source, Text, Unit
from analysis.status import DisclosureReason, TargetStatus, Unassessed
from analysis.vocabulary import LANGUAGES

# The status values of analysis.status.TargetStatus (its members compare equal to these strings, so either can
# be passed), plus Unassessed.NO_TARGET for a measured value in a year the programme sets no target for (an expected
# result with only a final target), and Unassessed.NO_DATA for a year without a computed value. The two are kept apart:
# a ministry reading "no data" for a figure the survey did measure would think the survey failed.
ACHIEVED = TargetStatus.ACHIEVED.value
NOT_ACHIEVED = TargetStatus.NOT_ACHIEVED.value
NOT_DISTINGUISHABLE = TargetStatus.NOT_DISTINGUISHABLE.value
NO_TARGET = Unassessed.NO_TARGET.value
NO_DATA = Unassessed.NO_DATA.value
STATUSES = (ACHIEVED, NOT_ACHIEVED, NOT_DISTINGUISHABLE, NO_TARGET, NO_DATA)

# Breakdowns the report knows how to title, in the order it prints them; others follow, titled by their name.
BREAKDOWN_ORDER = ("region", "sex", "age_group", "settlement")

# Why a cell is not shown (analysis.status.DisclosureReason, plus "disclosure"); other reasons print as given.
SMALL_N = DisclosureReason.SMALL_N.value
DISCLOSURE = "disclosure"


def pick(text: Text, language: str) -> str:
    """The text in ``language``; an empty English text falls back to Russian (English is optional)."""
    value = getattr(text, language, "") or ""
    return value or text.ru


@dataclass(frozen=True, slots=True)
class Value:
    """One estimate with its precision (survey), or a bare value (administrative data: only ``estimate``)."""

    estimate: float | None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    n_eff: float | None = None
    deff: float | None = None
    df: float | None = None  # design degrees of freedom of the estimate's domain (None: not known, or not a survey)

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None

    @property
    def margin_of_error(self) -> float | None:
        """Half the width of the interval (intervals on shares are not symmetric: this is their mean half-width)."""
        if not self.has_ci:
            return None
        return (self.ci_high - self.ci_low) / 2.0  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class TargetInfo:
    """The year's target: as printed in the programme, and as a value of the indicator where it can be."""

    year: int
    printed_value: float  # as printed: 59.0 for "59 %", -3.0 for "reduce by 3 % against 2022"
    kind: Kind
    value: float | None = None  # comparable with the estimate; None when a change target's base is unknown
    base_year: int | None = None
    reading: Reading | None = None
    text: str | None = None  # the printed wording in the report's language; built from kind and value if None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        if self.reading is not None:
            object.__setattr__(self, "reading", Reading(self.reading))


@dataclass(frozen=True, slots=True)
class StatusInfo:
    status: str  # one of STATUSES
    trajectory: str | None = None  # analysis.status.Progress value (e.g. "moderate_progress") or on_track/off_track
    note: str | None = None  # in the report's language

    def __post_init__(self) -> None:
        if str(self.status) not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {', '.join(STATUSES)}")
        object.__setattr__(self, "status", str(self.status))


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One year of the trend chart: the estimate (if computed) and the target (if the programme sets one)."""

    year: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    target: float | None = None  # comparable with the estimate (see TargetInfo.value)


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    category: str  # stable code: "astana", "f", "18_29", "urban"
    label: str  # in the report's language
    value: Value
    suppressed: str | None = None  # a reason (SMALL_N, DISCLOSURE or free text); None = shown

    def is_small_df(self, small_df: int | None) -> bool:
        """Marked in the reports: fewer design degrees of freedom than ``small_df`` (None: no run recorded one)."""
        return small_df is not None and is_small_df(self.value.df, small_df)

    def is_hidden(self, min_cell_n: int) -> bool:
        """Hidden when the computation suppressed it, and also (a safety net) when n is below the threshold."""
        small = self.value.n is not None and self.value.n < min_cell_n
        return self.suppressed is not None or small

    def hidden_reason(self, min_cell_n: int) -> str | None:
        if self.suppressed is not None:
            return self.suppressed
        if self.value.n is not None and self.value.n < min_cell_n:
            return SMALL_N
        return None


@dataclass(frozen=True, slots=True)
class IndicatorReport:
    code: str
    name: Text
    unit: Unit
    direction: Direction
    source: Source
    national: Value
    status: StatusInfo
    target: TargetInfo | None = None  # the report year's target; None when the programme sets none that year
    history: tuple[HistoryPoint, ...] = ()  # any order; the charts sort by year
    breakdowns: Mapping[str, tuple[BreakdownRow, ...]] = field(default_factory=dict)
    note: str | None = None  # in the report's language
    final_target: TargetInfo | None = None  # the programme's last target (its own year), shown when ``target`` is None
    comparisons: tuple[GroupComparison, ...] = ()  # two groups of a breakdown compared (analysis.contrast)
    change: YearChange | None = None  # from the previous year, with its CI (runs stored before it: None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", Unit(self.unit))
        object.__setattr__(self, "direction", Direction(self.direction))
        object.__setattr__(self, "source", Source(self.source))
        # Frozen all the way down: a renderer cannot change what another one will print.
        object.__setattr__(self, "breakdowns", MappingProxyType({k: tuple(v) for k, v in self.breakdowns.items()}))
        object.__setattr__(self, "history", tuple(sorted(self.history, key=lambda p: p.year)))

    @property
    def is_survey(self) -> bool:
        return self.source is Source.SURVEY

    def year_target(self, year: int) -> TargetInfo | None:
        """The target of ``year`` only: a target of another year is never printed as this year's."""
        return self.target if self.target is not None and self.target.year == year else None

    def later_target(self, year: int) -> TargetInfo | None:
        """When ``year`` has no target: the final one (given as ``final_target``, or a ``target`` of another year)."""
        if self.year_target(year) is not None:
            return None
        if self.final_target is not None:
            return self.final_target
        return self.target

    def ordered_breakdowns(self) -> list[tuple[str, tuple[BreakdownRow, ...]]]:
        known = [(name, self.breakdowns[name]) for name in BREAKDOWN_ORDER if name in self.breakdowns]
        rest = [(name, rows) for name, rows in self.breakdowns.items() if name not in BREAKDOWN_ORDER]
        return known + rest


@dataclass(frozen=True, slots=True)
class InstrumentSample:
    """One questionnaire version that fed the year's estimates."""

    instrument: str  # e.g. "public_safety"
    version: str  # e.g. "2025"
    sha256: str
    respondents: int
    fieldwork_start: date | None = None
    fieldwork_end: date | None = None
    population: str | None = None  # who was surveyed, in the report's language


@dataclass(frozen=True, slots=True)
class WeightingInfo:
    instrument: str
    margins: tuple[str, ...]  # e.g. ("region × settlement", "sex × age group"), in the report's language
    source: str  # where the population totals come from (file, year, sha256), in the report's language
    method: str | None = None  # e.g. "raking, weights trimmed to [0.3, 3]"; the default text is used if None
    diagnostics: WeightSummary | None = None  # what the final weights cost (runs stored before: None)


@dataclass(frozen=True, slots=True)
class GroupComparison:
    """``first - second`` of two groups of a breakdown, with the CI from their shared PSUs' covariance."""

    first: str  # the groups' labels, in the report's language
    second: str
    difference: float
    ci_low: float
    ci_high: float

    @property
    def status(self) -> str:
        """"higher" / "lower" when the whole interval is on one side of 0, else "not_distinguishable"."""
        if self.ci_low > 0:
            return "higher"
        if self.ci_high < 0:
            return "lower"
        return "not_distinguishable"


CHANGE_STATUSES = ("significantly_improved", "not_distinguishable", "significantly_worse")  # status.ChangeStatus


@dataclass(frozen=True, slots=True)
class YearChange:
    """The national figure's change from ``from_year`` (analysis.change) with its CI and its status."""

    from_year: int
    change: float
    ci_low: float
    ci_high: float
    status: str  # one of CHANGE_STATUSES (analysis.status.change_status of the CI)

    def __post_init__(self) -> None:
        if str(self.status) not in CHANGE_STATUSES:
            raise ValueError(f"change status {self.status!r} is not one of {', '.join(CHANGE_STATUSES)}")
        object.__setattr__(self, "status", str(self.status))


@dataclass(frozen=True, slots=True)
class WeightSummary:
    """Kish's diagnostics of one population's final weights (:func:`analysis.weighting.diagnostics`)."""

    n: int
    max_min_ratio: float
    cv: float
    deff_weighting: float
    kish_n_eff: float


@dataclass(frozen=True, slots=True)
class AdminSource:
    indicator: str  # indicator code
    source: str  # agency / statistical form, in the report's language
    file: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class SinglePSUStrata:
    """Strata of one population's sample that had a single PSU, and how their variance was estimated."""

    population: str  # in the report's language
    rule: str  # an analysis.LonelyPSU value other than "error"
    strata: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ModeRestriction:
    """An indicator computed from the responses of one mode of collection only (its definition's ``mode:``)."""

    indicator: str
    mode: str  # an analysis.vocabulary.MODES value
    respondents: int  # responses of that mode in the population's sample
    total: int  # every response of the population's sample (all modes)


CHANGE_INFERENCE = ("base_exact", "ci")


@dataclass(frozen=True, slots=True)
class Methodology:
    samples: tuple[InstrumentSample, ...] = ()
    weighting: tuple[WeightingInfo, ...] = ()
    admin_sources: tuple[AdminSource, ...] = ()
    single_psu: tuple[SinglePSUStrata, ...] = ()
    ci_level: float = 0.95
    ci_method: str = "logit"  # analysis.CIMethod value, named in the annex; "by_df": beta below ``small_df``
    # Design df below which a domain's result is marked (and, under "by_df", gets the beta interval); None: the
    # run recorded no such rule (computed before it existed), nothing is marked.
    small_df: int | None = None
    min_cell_n: int = 30  # cells with fewer respondents are never printed
    status_rules: str | None = None  # replaces the standard wording of the status rules when given
    # How change targets were judged: "base_exact" (the base year's estimate taken as exact, what the yearly
    # computation does today) or "ci" (on the CI of the change, analysis.change and status.change_target_status).
    change_inference: str = "base_exact"
    notes: tuple[str, ...] = ()  # in the report's language
    withdrawn: int = 0  # responses their respondents took back after an earlier computation, left out here
    mode_restrictions: tuple[ModeRestriction, ...] = ()
    # Populations whose yearly samples are a panel of PSUs: their changes count the PSUs' covariance.
    panel_populations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.ci_method == CIMethod.BY_DF and self.small_df is None:
            raise ValueError("ci_method 'by_df' needs the small_df threshold it was applied with")
        if self.change_inference not in CHANGE_INFERENCE:
            choices = ", ".join(CHANGE_INFERENCE)
            raise ValueError(f"change_inference must be one of {choices}, got {self.change_inference!r}")


@dataclass(frozen=True, slots=True)
class ReportData:
    programme_code: str
    programme_name: Text
    year: int
    language: str  # kk | ru | en
    generated_at: datetime
    indicators: tuple[IndicatorReport, ...]
    methodology: Methodology = field(default_factory=Methodology)
    synthetic: bool = False  # demo data: SYNTHETIC on the cover and in every page footer
    draft: bool = False  # results not yet published: DRAFT on the cover and in every footer
    period: tuple[int, int] | None = None
    coordinator: str | None = None  # coordinating body, in the report's language
    run_id: int | None = None  # the computation run the numbers come from, printed for traceability

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language {self.language!r} is not one of {', '.join(LANGUAGES)}")
        object.__setattr__(self, "indicators", tuple(self.indicators))

    @property
    def programme_title(self) -> str:
        return pick(self.programme_name, self.language)

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for indicator in self.indicators:
            counts[indicator.status.status] += 1
        return counts

    def with_language(self, language: str) -> ReportData:
        return replace(self, language=language)

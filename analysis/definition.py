"""Survey indicator definitions: which questionnaire items, which answers count, and how they combine.

A definition lives in the programme file under an indicator's ``definition:`` key (format:
``analysis/programmes/README.md``). It names the instrument versions it applies to; one *measure* per set of
versions, because an item replaced by another (a new scale, ``replaces:``) breaks the series and needs its own
rule. A rename (``renamed_from:``, same meaning) is followed automatically.

Checking a definition against a questionnaire needs the questionnaire's items, but ``analysis`` must not import
``surveyapp``. So :func:`validate_definition` takes plain data, a *catalogue*: a mapping of item code ->
:class:`ItemInfo` (type, choice codes, special choice codes, declared rename/replacement), with matrix rows as
``"matrix.row"`` entries of type ``"matrix_row"``. The caller (a test, the web app; never this package) builds
it from a version loaded with the web app's ``surveyapp.questionnaire.load_version``, for example::

    catalogue = catalogue_from_version(load_version("questionnaires/public_safety/2025.yaml"))
    problems = validate_definition(indicator.definition, "public_safety", "2025", catalogue)

:func:`catalogue_from_version` only reads attributes (``sections``, ``items``, ``choices``, ``rows``), so it
works on a loaded version without this package importing the questionnaire code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from analysis.errors import ProgrammeError
from analysis.vocabulary import MODES

CHOICE_TYPES = frozenset({"single_choice", "scale", "matrix_row"})


class Statistic(StrEnum):
    PROPORTION = "proportion"  # share (%) whose answer is in the numerator codes, among the denominator
    MEAN_OF_PROPORTIONS = "mean_of_proportions"  # unweighted mean of several such shares (A13)
    SCORE_MEAN = "score_mean"  # per respondent 0-100 score from points per answer; weighted mean (A9, B8)


@dataclass(frozen=True, slots=True)
class Component:
    """One item (or matrix row) in a measure: numerator codes for shares, points per code for scores."""

    item: str
    numerator: tuple[str, ...] = ()
    points: tuple[tuple[str, float], ...] = ()  # (choice code, points); other codes are missing


@dataclass(frozen=True, slots=True)
class Over:
    """A proportion over the instances of a repeat (a household roster): the respondent counts when `match`
    is "any" and one valid instance's answer is in the numerator, or "all" and every valid one is."""

    repeat: str
    match: str  # any | all


OVER_MATCHES = ("any", "all")


@dataclass(frozen=True, slots=True)
class Measure:
    """The rule for some versions of one instrument."""

    instrument: str
    versions: tuple[str, ...]
    components: tuple[Component, ...]
    # Codes left out of the denominator. None = every special choice of the item (dont_know, refuse,
    # not_applicable): the default "valid answers" rule of INDICATORS.md.
    exclude: tuple[str, ...] | None = None
    max_points: float | None = None  # SCORE_MEAN: points that make 100
    min_valid: int | None = None  # SCORE_MEAN: fewest scored components for a respondent to count
    note: str | None = None
    over: Over | None = None  # PROPORTION: the component is asked once per instance of this repeat


@dataclass(frozen=True, slots=True)
class SurveyDefinition:
    population: str
    statistic: Statistic
    rule: str  # the rule in words, for reports and for people checking the numbers
    measures: tuple[Measure, ...]
    reported_alongside: str | None = None
    # Only responses collected this way count (analysis.vocabulary.MODES); None = every mode. The others stay
    # in the weighted design as a domain does, so the weights are the population's and n counts this mode only.
    mode: str | None = None

    @property
    def instruments(self) -> tuple[tuple[str, str], ...]:
        """Every (instrument, version) the definition covers."""
        return tuple((m.instrument, v) for m in self.measures for v in m.versions)

    def measure_for(self, instrument: str, version: str) -> Measure | None:
        return next((m for m in self.measures if m.instrument == instrument and version in m.versions), None)


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """What validation needs to know of one item: plain data the caller builds from a questionnaire."""

    type: str
    choices: tuple[str, ...] = ()
    special: tuple[str, ...] = ()  # codes of special choices (dont_know, refuse, not_applicable)
    renamed_from: str | None = None
    replaces: str | None = None
    repeat: str | None = None  # the repeat that asks the item once per instance


# ---------------------------------------------------------------------------------------------- parsing
_DEF_KEYS = ("population", "statistic", "rule", "measures")
_MEASURE_KEYS = ("instrument", "versions", "components")
_MEASURE_OPTIONAL = ("denominator", "max_points", "min_valid", "note", "over")


def parse_definition(data: Any, where: str) -> SurveyDefinition:
    """``where`` is the file and key path, used at the start of every error message."""
    data = _mapping(data, where, _DEF_KEYS, ("reported_alongside", "mode"))
    try:
        statistic = Statistic(data["statistic"])
    except ValueError:
        allowed = ", ".join(s.value for s in Statistic)
        raise ProgrammeError(f"{where}.statistic: {data['statistic']!r} is not one of: {allowed}") from None
    measures = data["measures"]
    if not isinstance(measures, list) or not measures:
        raise ProgrammeError(f"{where}.measures: expected a non-empty list")
    parsed = tuple(_measure(m, f"{where}.measures[{i}]", statistic) for i, m in enumerate(measures))
    seen: set[tuple[str, str]] = set()
    for measure in parsed:
        for version in measure.versions:
            if (measure.instrument, version) in seen:
                raise ProgrammeError(f"{where}.measures: {measure.instrument} {version} is covered twice")
            seen.add((measure.instrument, version))
    return SurveyDefinition(
        population=_text(data["population"], f"{where}.population"),
        statistic=statistic,
        rule=_text(data["rule"], f"{where}.rule"),
        measures=parsed,
        reported_alongside=None if data.get("reported_alongside") is None
        else _text(data["reported_alongside"], f"{where}.reported_alongside"),
        mode=_mode(data.get("mode"), f"{where}.mode"),
    )


def _mode(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if value not in MODES:
        raise ProgrammeError(f"{where}: {value!r} is not a mode of collection (expected one of: {', '.join(MODES)})")
    return str(value)


def _measure(data: Any, where: str, statistic: Statistic) -> Measure:
    data = _mapping(data, where, _MEASURE_KEYS, _MEASURE_OPTIONAL)
    versions = data["versions"]
    if not isinstance(versions, list) or not versions or not all(isinstance(v, str) for v in versions):
        raise ProgrammeError(f"{where}.versions: expected a list of quoted version names, like [\"2024\"]")
    raw = data["components"]
    if not isinstance(raw, list) or not raw:
        raise ProgrammeError(f"{where}.components: expected a non-empty list")
    components = tuple(_component(c, f"{where}.components[{i}]", statistic) for i, c in enumerate(raw))
    if statistic is Statistic.PROPORTION and len(components) != 1:
        raise ProgrammeError(f"{where}.components: a proportion has exactly one component")
    denominator = data.get("denominator", "valid")
    exclude: tuple[str, ...] | None
    if denominator == "valid":
        exclude = None
    elif isinstance(denominator, dict) and set(denominator) == {"exclude"} and isinstance(denominator["exclude"], list):
        exclude = tuple(str(code) for code in denominator["exclude"])
    else:
        raise ProgrammeError(f"{where}.denominator: expected 'valid' or {{exclude: [codes]}}, got {denominator!r}")
    max_points, min_valid = data.get("max_points"), data.get("min_valid")
    if statistic is Statistic.SCORE_MEAN:
        if not isinstance(max_points, int | float) or isinstance(max_points, bool) or max_points <= 0:
            raise ProgrammeError(f"{where}.max_points: a score_mean needs a positive max_points")
        if not isinstance(min_valid, int) or not 1 <= min_valid <= len(components):
            raise ProgrammeError(f"{where}.min_valid: expected a whole number from 1 to {len(components)}")
    elif max_points is not None or min_valid is not None:
        raise ProgrammeError(f"{where}: max_points and min_valid belong to a score_mean only")
    over = _over(data.get("over"), f"{where}.over", statistic)
    return Measure(
        over=over,
        instrument=_text(data["instrument"], f"{where}.instrument"),
        versions=tuple(versions),
        components=components,
        exclude=exclude,
        max_points=None if max_points is None else float(max_points),
        min_valid=min_valid,
        note=None if data.get("note") is None else _text(data["note"], f"{where}.note"),
    )


def _over(data: Any, where: str, statistic: Statistic) -> Over | None:
    if data is None:
        return None
    if statistic is not Statistic.PROPORTION:
        raise ProgrammeError(f"{where}: over a repeat belongs to a proportion only")
    data = _mapping(data, where, ("repeat", "match"), ())
    if data["match"] not in OVER_MATCHES:
        raise ProgrammeError(f"{where}.match: expected any or all, got {data['match']!r}")
    return Over(_text(data["repeat"], f"{where}.repeat"), data["match"])


def _component(data: Any, where: str, statistic: Statistic) -> Component:
    if statistic is Statistic.SCORE_MEAN:
        data = _mapping(data, where, ("item", "points"), ())
        points = data["points"]
        if not isinstance(points, dict) or not points or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in points.values()
        ):
            raise ProgrammeError(f"{where}.points: expected a mapping of choice code -> number")
        return Component(item=_text(data["item"], f"{where}.item"),
                         points=tuple((str(k), float(v)) for k, v in points.items()))
    data = _mapping(data, where, ("item", "numerator"), ())
    numerator = data["numerator"]
    if not isinstance(numerator, list) or not numerator or not all(isinstance(c, str) for c in numerator):
        raise ProgrammeError(f"{where}.numerator: expected a non-empty list of choice codes")
    return Component(item=_text(data["item"], f"{where}.item"), numerator=tuple(numerator))


def _mapping(data: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProgrammeError(f"{where}: expected a mapping")
    for key in data:
        if key not in required and key not in optional:
            raise ProgrammeError(f"{where}.{key}: unknown key (allowed: {', '.join((*required, *optional))})")
    for key in required:
        if key not in data:
            raise ProgrammeError(f"{where}.{key}: missing")
    return data


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProgrammeError(f"{where}: expected a non-empty text")
    return value


# ---------------------------------------------------------------------------------------------- checking
def resolve_item(code: str, catalogue: Mapping[str, ItemInfo]) -> str | None:
    """The code under which ``code`` exists in this version: itself, or its new name after a declared rename.

    A matrix row ``m.r`` follows a rename of the matrix ``m``. A replacement (``replaces:``) is not followed:
    the meaning changed, so the definition must say what to do (see :func:`validate_definition`).
    """
    if code in catalogue:
        return code
    head, dot, row = code.partition(".")
    for new, info in catalogue.items():
        if info.renamed_from == head and "." not in new:
            candidate = f"{new}.{row}" if dot else new
            return candidate if candidate in catalogue else None
    return None


def validate_definition(
    definition: SurveyDefinition, instrument: str, version: str, catalogue: Mapping[str, ItemInfo]
) -> list[str]:
    """Problems with using ``definition`` on one questionnaire version; an empty list means it fits.

    Checks: the version is covered by a measure; every item exists (directly or through a declared rename),
    is a choice item (single_choice, scale or a matrix row); every numerator, points and denominator code
    is a choice of that item; numerator codes are substantive (not special); a score gives points to every
    substantive choice and to no special one.
    """
    measure = definition.measure_for(instrument, version)
    if measure is None:
        covered = ", ".join(f"{i} {v}" for i, v in definition.instruments)
        return [f"the definition does not cover {instrument} {version} (it covers: {covered})"]
    problems: list[str] = []
    for component in measure.components:
        problems += _check_component(component, measure, instrument, version, catalogue)
    return problems


def _check_component(
    component: Component, measure: Measure, instrument: str, version: str, catalogue: Mapping[str, ItemInfo]
) -> list[str]:
    where = f"{instrument} {version}: item {component.item!r}"
    code = resolve_item(component.item, catalogue)
    if code is None:
        head = component.item.partition(".")[0]
        replacement = next((new for new, info in catalogue.items() if info.replaces == head), None)
        if replacement is not None:
            return [f"{where} was replaced by {replacement!r} in this version (series break): "
                    f"give {instrument} {version} its own measure"]
        return [f"{where} does not exist in this version"]
    info = catalogue[code]
    over = measure.over
    if info.repeat is not None and (over is None or over.repeat != info.repeat):
        return [f"{where} is asked once per instance of repeat {info.repeat!r}: add "
                f"over: {{repeat: {info.repeat}, match: any}} (or all) to the measure"]
    if over is not None and info.repeat != over.repeat:
        return [f"{where} is not in repeat {over.repeat!r}, which the measure counts over"]
    if info.type not in CHOICE_TYPES:
        return [f"{where} is a {info.type}; a definition needs a single_choice, scale or matrix row"]
    problems = []
    codes = set(info.choices)
    special = set(info.special)
    for choice in component.numerator:
        if choice not in codes:
            problems.append(f"{where}: numerator code {choice!r} is not a choice (choices: {', '.join(info.choices)})")
        elif choice in special:
            problems.append(f"{where}: numerator code {choice!r} is a special answer")
    scored = {choice for choice, _ in component.points}
    for choice in sorted(scored - codes):
        problems.append(f"{where}: points for {choice!r}, which is not a choice")
    if component.points:
        for choice in info.choices:
            if choice not in special and choice not in scored:
                problems.append(f"{where}: substantive choice {choice!r} has no points")
        for choice in sorted(scored & special):
            problems.append(f"{where}: special answer {choice!r} must be missing, not scored")
    for choice in measure.exclude or ():
        if choice not in codes:
            problems.append(f"{where}: denominator excludes {choice!r}, which is not a choice")
    return problems


def catalogue_from_version(version: Any) -> dict[str, ItemInfo]:
    """Build the plain catalogue from a loaded questionnaire version (read by attribute, no import)."""
    catalogue: dict[str, ItemInfo] = {}
    for section in version.sections:
        repeat = section.code if getattr(section, "repeat", None) is not None else None
        for item in section.items:
            choices = tuple(c.code for c in item.choices.choices) if item.choices is not None else ()
            special = tuple(c.code for c in item.choices.choices if c.special) if item.choices is not None else ()
            catalogue[item.code] = ItemInfo(item.type, choices, special, item.renamed_from, item.replaces, repeat)
            for row in item.rows:
                catalogue[f"{item.code}.{row.code}"] = ItemInfo("matrix_row", choices, special)
    return catalogue

"""Government programmes as data: indicators, yearly targets as printed, and the loader for their YAML files.

The files live in ``analysis/programmes/<code>.yaml`` (format: ``analysis/programmes/README.md``). Targets are
kept exactly as the documents print them (59.0 for "59 %", -3.0 for "reduce by 3 % against 2022"); turning a
relative target into an absolute one needs the base-year figure, which the documents do not print, so it is
done late, by :func:`absolute_target`, with the value the caller imported.

    >>> programme = load_programme("public_safety_2024_2028")
    >>> a1 = programme.indicator("A1")
    >>> absolute_target(a1.target(2024), base_value=1000.0)   # -3 % against 2022 -> 970.0
"""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.errors import ProgrammeError

from .model import (
    CHANGE_KINDS,
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
    absolute_target,
)
from .reader import parse_programme

PROGRAMME_DIR = Path(__file__).resolve().parent.parent / "programmes"


# ---------------------------------------------------------------------------------------------- loading
def programme_codes(directory: Path | str = PROGRAMME_DIR) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in Path(directory).glob("*.yaml")))


def load_programmes(directory: Path | str = PROGRAMME_DIR) -> tuple[Programme, ...]:
    return tuple(load_programme(Path(directory) / f"{code}.yaml") for code in programme_codes(directory))


def load_programme(code_or_path: str | Path) -> Programme:
    """Load one programme by code (``public_safety_2024_2028``) or by path; errors name the file and key."""
    path = Path(code_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = PROGRAMME_DIR / f"{code_or_path}.yaml"
        if not path.exists():
            known = ", ".join(programme_codes()) or "none"
            raise ProgrammeError(f"unknown programme {str(code_or_path)!r} (known: {known})")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgrammeError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f":{where.line + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProgrammeError(f"{path}{line}: not valid YAML ({problem})") from None
    return parse_programme(data, str(path))


__all__ = [
    "CHANGE_KINDS",
    "DEFAULT_LONELY_PSU",
    "LONELY_PSU_RULES",
    "PROGRAMME_DIR",
    "Direction",
    "Indicator",
    "Kind",
    "Observation",
    "Place",
    "PopulationSettings",
    "Programme",
    "Reading",
    "Source",
    "Target",
    "Text",
    "Unit",
    "absolute_target",
    "load_programme",
    "load_programmes",
    "parse_programme",
    "programme_codes",
]

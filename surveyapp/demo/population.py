"""An illustrative, SYNTHETIC population frame for the demo: not official statistics.

Adult (18+) and pupil (12–17) counts per region and settlement type, rounded to look plausible for Kazakhstan
(cities of republican significance are all urban). Used to draw the demo samples, their base weights and the
population margins the demo rakes to.
"""

from __future__ import annotations

from typing import Final

SYNTHETIC_NOTE: Final = "SYNTHETIC demo figures (illustrative, not official statistics)"

# region -> (urban adults, rural adults), thousands
ADULTS_THOUSANDS: Final[dict[str, tuple[int, int]]] = {
    "astana": (980, 0),
    "almaty": (1560, 0),
    "shymkent": (770, 0),
    "abai": (270, 170),
    "akmola": (300, 230),
    "aktobe": (480, 190),
    "almaty_region": (330, 610),
    "atyrau": (300, 170),
    "east_kazakhstan": (370, 150),
    "jambyl": (330, 420),
    "jetisu": (230, 230),
    "west_kazakhstan": (280, 190),
    "karaganda": (730, 110),
    "kostanay": (370, 230),
    "kyzylorda": (290, 250),
    "mangystau": (340, 230),
    "pavlodar": (420, 140),
    "north_kazakhstan": (190, 230),
    "turkistan": (300, 890),
    "ulytau": (150, 20),
}

SEXES: Final = ("male", "female")
# Shares of adults by sex and age group (same in every stratum: enough for a demo).
ADULT_AGE_GROUPS: Final[dict[str, tuple[int, int | None, float]]] = {
    "18-29": (18, 29, 0.25),
    "30-44": (30, 44, 0.32),
    "45-59": (45, 59, 0.24),
    "60+": (60, 85, 0.19),
}
PUPIL_AGE_GROUPS: Final[dict[str, tuple[int, int | None, float]]] = {
    "12-14": (12, 14, 0.52),
    "15-17": (15, 17, 0.48),
}
FEMALE_SHARE_ADULTS: Final = 0.52
FEMALE_SHARE_PUPILS: Final = 0.49
PUPILS_PER_ADULT: Final = 0.11
POLICE_PER_ADULT: Final = 0.008


def strata_counts(pupils: bool = False, scale: float | None = None) -> dict[tuple[str, str], int]:
    """Population per (region, settlement) stratum, in persons."""
    scale = scale if scale is not None else (PUPILS_PER_ADULT if pupils else 1.0)
    counts = {}
    for region, (urban, rural) in ADULTS_THOUSANDS.items():
        for settlement, thousands in (("urban", urban), ("rural", rural)):
            if thousands:
                counts[(region, settlement)] = round(thousands * 1000 * scale)
    return counts


def margin_cells(pupils: bool = False, year: int = 2024) -> list[dict[str, object]]:
    """Population by region × sex × age group × settlement (the file `flask margins import` reads).

    The later year grows by one per cent, so the two demo years do not share one set of totals."""
    growth = 1.01 ** (year - 2024)
    female = FEMALE_SHARE_PUPILS if pupils else FEMALE_SHARE_ADULTS
    groups = PUPIL_AGE_GROUPS if pupils else ADULT_AGE_GROUPS
    cells: list[dict[str, object]] = []
    for (region, settlement), count in strata_counts(pupils).items():
        for sex, share_sex in (("female", female), ("male", 1 - female)):
            for name, (_low, _high, share_age) in groups.items():
                total = round(count * growth * share_sex * share_age)
                cells.append(
                    {"region": region, "sex": sex, "age_group": name, "settlement": settlement, "total": total}
                )
    return cells


def police_margin_cells(year: int = 2024) -> list[dict[str, object]]:
    """Police employees by region and sex (the staff survey records no settlement or exact age)."""
    cells: list[dict[str, object]] = []
    by_region: dict[str, int] = {}
    for (region, _settlement), count in strata_counts(scale=POLICE_PER_ADULT).items():
        by_region[region] = by_region.get(region, 0) + count
    for region, count in by_region.items():
        women = round(count * 0.22 * 1.01 ** (year - 2024))
        cells += [
            {"region": region, "sex": "female", "total": women},
            {"region": region, "sex": "male", "total": round(count * 1.01 ** (year - 2024)) - women},
        ]
    return cells

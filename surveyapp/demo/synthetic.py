"""Synthetic respondents answering the real questionnaire model, with a fixed seed.

The sample is a stratified two-stage design: strata are region × settlement type, PSUs (settlements or
schools) are drawn in each stratum, then persons in each PSU; the base weight is the inverse of the selection
probability. Nonresponse depends on settlement type and age, so raking has something to correct. Answers are
drawn item by item in questionnaire order, only for items the skip logic shows, with an ordered-logit model
whose latent level varies by region and person, so that indicators differ between regions as real ones do.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from surveyapp.demo.population import (
    ADULT_AGE_GROUPS,
    FEMALE_SHARE_ADULTS,
    FEMALE_SHARE_PUPILS,
    PUPIL_AGE_GROUPS,
    strata_counts,
)
from surveyapp.questionnaire import prune_hidden, validate_answer
from surveyapp.questionnaire.design_values import design_from_answers
from surveyapp.questionnaire.model import Choice, Item, QuestionnaireVersion
from surveyapp.questionnaire.question_types import question_type

PSU_SIZE = 12
DONT_KNOW_RATE = 0.04
REFUSE_RATE = 0.01
# Victimisation and other "did it happen to you" items: a yes is rare.
RARE_YES_PREFIXES = ("vict_", "fraud_attempt", "bullied", "cyber", "home_hurt", "online_stranger", "bribe")


@dataclass(frozen=True)
class Person:
    region: str
    settlement: str
    stratum: str
    psu: str
    base_weight: float
    sex: str
    age: int
    latent: float


@dataclass(frozen=True)
class SyntheticResponse:
    answers: dict[str, Any]
    design: dict[str, Any]
    language: str
    started_at: datetime
    submitted_at: datetime
    device: str


def draw_sample(
    rng: random.Random, target: int, pupils: bool, region_effects: dict[str, float], scale: float | None = None
) -> list[Person]:
    """About `target` responding persons: stratified, clustered, with nonresponse."""
    counts = strata_counts(pupils, scale)
    population = sum(counts.values())
    groups = PUPIL_AGE_GROUPS if pupils else ADULT_AGE_GROUPS
    female = FEMALE_SHARE_PUPILS if pupils else FEMALE_SHARE_ADULTS
    # Allocation: proportional to the square root of size, so small regions get usable samples.
    roots = {key: math.sqrt(n) for key, n in counts.items()}
    scale = target * 1.35 / sum(roots.values())  # issued sample; nonresponse brings it near the target
    people: list[Person] = []
    for (region, settlement), size in counts.items():
        issued = max(2 * PSU_SIZE, round(roots[(region, settlement)] * scale))
        n_psu = max(2, round(issued / PSU_SIZE))
        stratum = f"{region}_{settlement}"
        weight = size / (n_psu * PSU_SIZE)
        for p in range(n_psu):
            psu = f"{stratum}_{'school' if pupils else 'psu'}{p + 1:02d}"
            psu_effect = rng.gauss(0, 0.25)
            for _ in range(PSU_SIZE):
                name = rng.choices(list(groups), weights=[g[2] for g in groups.values()])[0]
                low, high, _share = groups[name]
                age = rng.randint(low, high or low + 20)
                respond = 0.62 + (0.08 if settlement == "rural" else 0.0) + (0.1 if age >= 45 else 0.0)
                if pupils:
                    respond = 0.8
                if rng.random() > respond:
                    continue
                latent = region_effects[region] + psu_effect + rng.gauss(0, 0.8)
                sex = "female" if rng.random() < female else "male"
                people.append(Person(region, settlement, stratum, psu, round(weight, 4), sex, age, latent))
    del population
    return people


def _ordered(rng: random.Random, choices: list[Choice], latent: float) -> Choice:
    """Ordered logit over the valued choices (higher value more likely when latent is high)."""
    valued = sorted((c for c in choices if c.value is not None), key=lambda c: float(c.value or 0))
    if not valued:
        return rng.choice(choices)
    k = len(valued)
    # Evenly spaced cut points around zero; the latent level's positive mean puts the typical answer on
    # the better side of the scale, as in real surveys.
    cuts = [i + 1 - k / 2 for i in range(k - 1)]
    y = latent + _logistic(rng)
    index = sum(1 for c in cuts if y > c)
    return valued[index]


def _logistic(rng: random.Random) -> float:
    u = min(max(rng.random(), 1e-12), 1 - 1e-12)
    return math.log(u / (1 - u)) * 0.6


def _special(rng: random.Random, choices: list[Choice]) -> Choice | None:
    roll = rng.random()
    if roll < DONT_KNOW_RATE:
        found = [c for c in choices if c.special == "dont_know"]
        return found[0] if found else None
    if roll < DONT_KNOW_RATE + REFUSE_RATE:
        found = [c for c in choices if c.special == "refuse"]
        return found[0] if found else None
    return None


def _choice_answer(rng: random.Random, item: Item, choices: list[Choice], latent: float) -> str:
    special = _special(rng, choices)
    if special is not None:
        return special.code
    regular = [c for c in choices if not c.special]
    if not regular:
        return choices[0].code
    if any(c.value is not None for c in regular):
        return _ordered(rng, regular, latent).code
    codes = [c.code for c in regular]
    if "yes" in codes and "no" in codes:
        rare = item.code.startswith(RARE_YES_PREFIXES)
        p_yes = 0.08 if rare else 0.55 + 0.1 * math.tanh(latent)
        return "yes" if rng.random() < p_yes else "no"
    return rng.choice(regular).code


def _value(rng: random.Random, item: Item, person: Person, answers: dict[str, Any]) -> Any:
    choices = list(item.choices.choices) if item.choices else []
    if item.choice_filter:
        choices = [c for c in choices if c.parent == answers.get(item.choice_filter)]
    design_items = {"region": person.region, "settlement": person.settlement, "sex": person.sex}
    if item.code in design_items and any(c.code == design_items[item.code] for c in choices):
        return design_items[item.code]
    qtype = question_type(item)
    if item.code == "age" and qtype.value_kind == "number":
        return person.age

    def pick(options: list[Choice], shift: float) -> str:
        return _choice_answer(rng, item, options, person.latent + shift)

    return qtype.demo_answer(item, choices, rng, pick)


def answer(rng: random.Random, version: QuestionnaireVersion, person: Person) -> dict[str, Any]:
    """Answers in questionnaire order, skipping what the skip logic hides and retrying rejected values."""
    answers: dict[str, Any] = {}
    for section in version.sections:
        if section.relevant is not None and not section.relevant.is_true(answers):
            continue
        for item in section.items:
            if item.relevant is not None and not item.relevant.is_true(answers):
                continue
            if item.calculation is not None:  # only calculate items may have one
                value = item.calculation.evaluate(answers)
                if value is not None:
                    answers[item.code] = value
                continue
            if not question_type(item).has_answer:
                continue
            for _attempt in range(6):
                value = _value(rng, item, person, answers)
                if value is None or not validate_answer(item, value, "en", answers):
                    break
            else:
                value = None
            if value is not None:
                answers[item.code] = value
    return prune_hidden(version, answers)


def responses(
    version: QuestionnaireVersion, target: int, seed: int, year: int, pupils: bool, scale: float | None = None
) -> Iterator[SyntheticResponse]:
    rng = random.Random(f"{seed}-{version.instrument}-{version.version}")  # noqa: S311 - reproducible demo, not secrets
    region_rng = random.Random(seed)  # noqa: S311 - the same regional differences every year and instrument
    regions = list(strata_counts(pupils=False).keys())
    region_effects = {region: region_rng.gauss(0.35, 0.45) for region, _settlement in regions}
    # The second year is a little better: the programmes' targets rise too.
    shift = 0.12 * (year - 2024)
    region_effects = {k: v + shift for k, v in region_effects.items()}
    fieldwork_start = datetime(year, 5, 15, 9, tzinfo=UTC)
    for person in draw_sample(rng, target, pupils, region_effects, scale):
        answers = answer(rng, version, person)
        design = design_from_answers(version, answers)
        design |= {"stratum": person.stratum, "psu": person.psu, "base_weight": person.base_weight}
        started = fieldwork_start + timedelta(days=rng.randint(0, 34), minutes=rng.randint(0, 720))
        duration = timedelta(seconds=max(60, rng.gauss(900 if not pupils else 700, 240)))
        language = "kk" if rng.random() < 0.55 else "ru"
        device = "phone" if rng.random() < 0.7 else "desktop"
        yield SyntheticResponse(answers, design, language, started, started + duration, device)

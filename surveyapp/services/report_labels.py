"""Words for the codes a report would otherwise print: breakdown categories read from an item, questionnaires.

A design variable taken straight from an item (the police staff's ``age_band``: ``a18_29``, ``a50_plus``, ``refuse``)
has the item's choice codes as its categories; their labels are in the questionnaire version the run used, so
they are read from the stored version (the exact wording the respondents saw), never guessed from the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Instrument, StoredVersion
from surveyapp.questionnaire.errors import QuestionnaireError
from surveyapp.questionnaire.loader import load_canonical
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.questionnaire.text import LocalizedText


@dataclass
class RunLabels:
    """Category labels by design variable, and questionnaire titles by instrument code, for one run."""

    categories: dict[str, dict[str, LocalizedText]] = field(default_factory=dict)
    titles: dict[str, LocalizedText] = field(default_factory=dict)

    def category(self, breakdown: str, code: str, language: str) -> str | None:
        text = self.categories.get(breakdown, {}).get(code)
        return (text.get(language) or None) if text is not None else None

    def title(self, instrument: str, language: str) -> str:
        text = self.titles.get(instrument)
        return (text.get(language) or instrument) if text is not None else instrument


def run_labels(run: ComputationRun) -> RunLabels:
    labels = RunLabels()
    for info in (run.provenance or {}).get("populations", {}).values():
        for key in info.get("versions", {}):
            instrument, version = key.split("/", 1)
            stored = db.session.scalar(
                select(StoredVersion)
                .join(Instrument)
                .where(Instrument.code == instrument, StoredVersion.version == version)
            )
            if stored is None:
                continue
            try:
                questionnaire = load_canonical(stored.content)
            except QuestionnaireError:
                continue  # a version that no longer loads keeps its codes rather than failing the report
            labels.titles.setdefault(instrument, questionnaire.title)
            _add_item_categories(labels, questionnaire)
    return labels


def _add_item_categories(labels: RunLabels, questionnaire: QuestionnaireVersion) -> None:
    for variable in questionnaire.design_variables:
        if variable.source != "item" or variable.item is None or variable.groups:
            continue
        try:
            item = questionnaire.item(variable.item)
        except KeyError:
            continue
        if item.choices is None:
            continue
        known = labels.categories.setdefault(variable.name, {})
        for choice in item.choices.choices:
            known.setdefault(choice.code, choice.label)

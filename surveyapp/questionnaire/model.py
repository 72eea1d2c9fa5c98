"""The questionnaire version as immutable data. Behaviour per item type lives in question_types/."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from analysis.vocabulary import POPULATIONS as POPULATIONS  # re-exported: the validator names the list

from .expression import Expression
from .text import LocalizedText

CONSENT_MODES: Final = ("adult", "child_assent")
PARENTAL_CONSENT: Final = ("passive", "active")
SPECIAL_CODES: Final = ("dont_know", "refuse", "not_applicable")
DESIGN_SOURCES: Final = ("item", "invitation", "link")
Scalar = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    label: LocalizedText
    value: int | float | None = None
    special: str | None = None
    parent: str | None = None
    line: int = 0
    exclusive: bool = False  # in a multiple_choice, cannot be chosen with another choice
    columns: tuple[tuple[str, Scalar], ...] = ()  # what a general choice_filter reads as choice.<column>

    @property
    def is_exclusive(self) -> bool:
        return self.exclusive or self.special is not None

    def filter_values(self) -> dict[str, Scalar | None]:
        """The choice as a choice_filter sees it: `choice.name` (XLSForm's spelling of the code), `choice.code`,
        `choice.parent` and its own columns."""
        return {"name": self.code, "code": self.code, "parent": self.parent, **dict(self.columns)}


@dataclass(frozen=True, slots=True)
class ChoiceList:
    name: str  # the list name, or "<item>" for an inline list
    choices: tuple[Choice, ...]
    include: str | None = None  # the shared list it came from
    line: int = 0

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(choice.code for choice in self.choices)

    def get(self, code: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.code == code), None)

    @property
    def special_codes(self) -> tuple[str, ...]:
        return tuple(choice.code for choice in self.choices if choice.special)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    code: str
    label: LocalizedText
    line: int = 0


@dataclass(frozen=True, slots=True)
class Item:
    """One question (or note / calculation). Keys that a type does not use stay None."""

    code: str
    type: str
    section: str
    line: int
    label: LocalizedText = field(default_factory=LocalizedText)
    hint: LocalizedText | None = None
    required: bool = False
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: LocalizedText | None = None
    choices: ChoiceList | None = None
    choice_filter: str | None = None  # a cascade: the earlier item whose answer is each choice's parent
    choice_condition: Expression | None = None  # a general filter, true for the choices on offer
    calculation: Expression | None = None
    rows: tuple[MatrixRow, ...] = ()
    min: int | float | str | None = None
    max: int | float | str | None = None
    min_choices: int | None = None
    max_choices: int | None = None
    max_length: int | None = None
    renamed_from: str | None = None
    replaces: str | None = None
    xlsform_name: str | None = None  # the name an imported XLSForm gave it when that was not a code here

    def row(self, code: str) -> MatrixRow | None:
        return next((row for row in self.rows if row.code == code), None)


@dataclass(frozen=True, slots=True)
class Repeat:
    """A page asked once per instance (a household roster). `count` fixes the number of instances (a number,
    or an expression on earlier answers); without it the respondent adds and removes instances, up to `max`."""

    label: LocalizedText
    count: int | Expression | None = None
    max: int = 20
    line: int = 0

    def instances(self, answers: Mapping[str, Any], stored: int) -> int:
        """How many instances the page has: the count when there is one, else as many as were stored (at least
        one, so an empty roster still shows its questions)."""
        if self.count is None:
            return max(1, min(stored, self.max))
        value = self.count if isinstance(self.count, int) else self.count.evaluate(answers)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return 0
        return max(0, min(int(value), self.max))


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    title: LocalizedText
    items: tuple[Item, ...]
    relevant: Expression | None = None
    line: int = 0
    repeat: Repeat | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    mode: str
    text: LocalizedText
    parental_consent: str | None = None


@dataclass(frozen=True, slots=True)
class DesignVariable:
    name: str
    source: str
    item: str | None = None
    param: str | None = None
    groups: tuple[tuple[int | float | None, int | float | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Helpline:
    phone: str
    name: LocalizedText


@dataclass(frozen=True, slots=True)
class QuestionnaireVersion:
    """A loaded, resolved version. `canonical_json` and `sha256` identify its content for immutability."""

    instrument: str
    version: str
    title: LocalizedText
    population: str
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    choice_lists: tuple[ChoiceList, ...]
    source_path: Path
    canonical_json: str
    sha256: str
    description: LocalizedText | None = None
    age_range: tuple[int | None, int | None] = (None, None)
    estimated_minutes: int | None = None
    consent: Consent | None = None
    design_variables: tuple[DesignVariable, ...] = ()
    min_seconds: int | None = None
    helplines: tuple[Helpline, ...] = ()
    changes: LocalizedText | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def repeats(self) -> tuple[Section, ...]:
        return tuple(section for section in self.sections if section.repeat is not None)

    def repeat_of(self, code: str) -> Section | None:
        """The repeat section that asks item `code` once per instance, or None."""
        return next((s for s in self.repeats if any(item.code == code for item in s.items)), None)

    def item(self, code: str) -> Item:
        """The item with `code`; KeyError when there is none."""
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def section(self, code: str) -> Section:
        for section in self.sections:
            if section.code == code:
                return section
        raise KeyError(code)

    def choice_list(self, name: str) -> ChoiceList:
        for choice_list in self.choice_lists:
            if choice_list.name == name:
                return choice_list
        raise KeyError(name)

    @property
    def content_bytes(self) -> bytes:
        return self.canonical_json.encode("utf-8")

    @property
    def key(self) -> tuple[str, str]:
        return (self.instrument, self.version)

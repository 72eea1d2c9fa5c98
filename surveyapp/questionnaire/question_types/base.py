"""What every question type implements; the types themselves live in one module per family."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from ..errors import AnswerError
from ..model import Choice, Item
from ..text import LocalizedText

COMMON_KEYS: Final = frozenset(
    {
        "code",
        "type",
        "label",
        "hint",
        "required",
        "relevant",
        "constraint",
        "constraint_message",
        "renamed_from",
        "replaces",
        "xlsform_name",
    }
)
XLSFORM_LANGUAGE: Final = {"kk": "Kazakh (kk)", "ru": "Russian (ru)", "en": "English (en)"}


@dataclass(frozen=True, slots=True)
class TypeIssue:
    """A problem in an item's definition; `key` is the YAML key it is about (for the line number)."""

    message: str
    hint: str = ""
    key: str | None = None


def xlsform_texts(prefix: str, text: LocalizedText | None) -> dict[str, str]:
    if text is None:
        return {}
    texts = {f"{prefix}::{XLSFORM_LANGUAGE[lang]}": value for lang, value in text.as_dict().items()}
    return texts | {f"{prefix}::{name}": value for name, value in text.extra}  # an import's other languages


# Draws one choice code for a synthetic respondent; the float shifts the respondent's latent level.
PickChoice = Callable[[list[Choice], float], str]

# HTML form values as the respondent page submits them: a list of strings per key (or one string).
FormData = Mapping[str, Any]


def form_values(form: FormData, key: str) -> list[str]:
    raw = form.get(key)
    if raw is None:
        return []
    return [raw] if isinstance(raw, str) else list(raw)


def example_choices(values: bool) -> list[dict[str, Any]]:
    """An inline choice list for a type's example, with a special choice; `values` numbers the others."""
    choices: list[dict[str, Any]] = [
        {"code": code, "label": {"kk": kk, "ru": ru}} | ({"value": value} if values else {})
        for code, kk, ru, value in (("good", "Жақсы", "Хорошо", 2), ("bad", "Жаман", "Плохо", 1))
    ]
    return [*choices, {"code": "dont_know", "special": "dont_know", "label": {"kk": "Білмеймін", "ru": "Не знаю"}}]


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def blank(raw: Any) -> bool:
    return (
        raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list | tuple | dict) and not raw)
    )


class QuestionType:
    name: ClassVar[str]
    # The macro of templates/questionnaire/fields.html that draws the item; "" for an item never shown.
    field: ClassVar[str]
    css_class: ClassVar[str] = ""  # an extra CSS class on the field, for a look of its own (item-scale)
    xlsform_type: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()  # keys beyond COMMON_KEYS
    has_answer: ClassVar[bool] = True
    shown: ClassVar[bool] = True
    uses_choices: ClassVar[bool] = False
    choice_values: ClassVar[bool] = False  # every non-special choice must carry a numeric value
    cascade_parent: ClassVar[bool] = False  # may be the `choice_filter` of another item
    # What a bare name of this item yields in an expression: code, codes, number, text, date, rows, any.
    value_kind: ClassVar[str | None] = None
    # The XLSForm type words imported as this type (spellings included: "select1", "int"), and an appearance
    # that sets it apart from a type with the same word (likert, multiline), written on export too.
    xlsform_names: ClassVar[frozenset[str]] = frozenset()
    xlsform_appearance: ClassVar[str] = ""
    # Whether a design variable (stratum, cluster, domain) may take its values from this item, and whether
    # that variable may cut them into `groups:` (only numbers can be cut into ranges).
    design_source: ClassVar[bool] = False
    design_groups: ClassVar[bool] = False

    @property
    def allowed_keys(self) -> frozenset[str]:
        return COMMON_KEYS | self.keys

    def check(self, item: Item) -> list[TypeIssue]:
        """Problems in the definition that only depend on the item itself."""
        return []

    def read_form(self, item: Item, form: FormData) -> Any:
        """This item's raw value among the submitted form fields, before `coerce`."""
        found = form_values(form, item.code)
        return next((v for v in found if v.strip()), found[0] if found else None)

    def form_input(self, item: Item, value: Any) -> dict[str, list[str]]:
        """The form fields that submit `value`: the reverse of `read_form` (for tests and API clients)."""
        return {} if value is None else {item.code: [str(value)]}

    def redisplay(self, item: Item, form: FormData) -> Any:
        """What the respondent typed, in the shape the field macro draws (so "12,5x" is not lost), to show a
        page again as it was sent; None when the form holds nothing for the item."""
        found = form_values(form, item.code)
        return found[0] if found else None

    def coerce(self, item: Item, raw: Any) -> Any:
        """Read a submitted value (form strings or already typed); None when empty; AnswerError if bad."""
        return None if blank(raw) else raw

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        """Type rules (choice codes, bounds, lengths) for a non-empty coerced value."""
        return []

    def possible_values(self, item: Item, literals: list[Any], arithmetic: bool) -> list[Any] | None:
        """Every value (None for no answer) worth trying when asking whether a rule can be true; `literals` are
        the constants the rule compares with. None when the values cannot be listed."""
        return None

    def example(self) -> dict[str, Any]:
        """The keys of a small valid item of this type beyond code, type and label: it documents the type, and
        the registry's contract test builds, answers, exports and imports one from it."""
        return {}

    def example_answer(self, item: Item) -> Any:
        """A valid answer to `example()`'s item; None for a type without an answer of its own."""
        return None

    def demo_answer(self, item: Item, choices: list[Choice], rng: random.Random, pick: PickChoice) -> Any:
        """A synthetic respondent's answer for the demo data, from the choices on offer; None leaves it empty."""
        return None

    def is_complete(self, item: Item, value: Any) -> bool:
        return not blank(value)

    def export_columns(self, item: Item) -> list[str]:
        return [item.code] if self.has_answer else []

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        columns = self.export_columns(item)
        return {columns[0]: value} if columns else {}

    def xlsform_rows(self, item: Item) -> list[dict[str, str]]:
        row: dict[str, str] = {"type": self.xlsform_type, "name": item.code}
        row |= xlsform_texts("label", item.label) | xlsform_texts("hint", item.hint)
        if item.required:
            row["required"] = "yes"
        if item.relevant:
            row["relevant"] = item.relevant.to_xlsform()
        constraint = self.xlsform_constraint(item)
        if constraint:
            row["constraint"] = constraint
            row |= xlsform_texts("constraint_message", item.constraint_message)
        if item.choice_filter:
            row["choice_filter"] = "parent=${" + item.choice_filter + "}"
        elif item.choice_condition is not None:
            row["choice_filter"] = item.choice_condition.to_xlsform(choice_filter=True)
        if item.calculation:
            row["calculation"] = item.calculation.to_xlsform()
        if self.xlsform_appearance:
            row["appearance"] = self.xlsform_appearance
        return [row]

    def imports_xlsform(self, kind: str, appearance: str, numeric_values: bool) -> bool:
        """Whether an XLSForm row of this type word and appearance (lower case) becomes this type;
        `numeric_values` says whether every choice of its list has a value."""
        return kind in self.xlsform_names and (not self.xlsform_appearance or self.xlsform_appearance in appearance)

    def read_xlsform_bound(self, part: str) -> dict[str, Any] | None:
        """The item keys (min, max, max_length, ...) that one `and`-part of an XLSForm constraint states, the
        reverse of `bound_constraints`; None when the part is a rule of its own."""
        return None

    def xlsform_constraint(self, item: Item) -> str:
        parts = [f"({item.constraint.to_xlsform()})"] if item.constraint else []
        parts += self.bound_constraints(item)
        return " and ".join(parts)

    def bound_constraints(self, item: Item) -> list[str]:
        return []

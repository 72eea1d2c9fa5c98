"""The registry of item types: one class per type, each knowing its keys, how to read and validate an
answer, which template renders it, and how it is exported (tidy columns and XLSForm rows).

Adding a type means adding one class here and registering it in QUESTION_TYPES.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from .errors import AnswerError
from .model import Choice, ChoiceList, Item
from .text import LANGUAGES, LocalizedText

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
    }
)
XLSFORM_LANGUAGE: Final = {"kk": "Kazakh (kk)", "ru": "Russian (ru)", "en": "English (en)"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class TypeIssue:
    """A problem in an item's definition; `key` is the YAML key it is about (for the line number)."""

    message: str
    hint: str = ""
    key: str | None = None


def xlsform_texts(prefix: str, text: LocalizedText | None) -> dict[str, str]:
    if text is None:
        return {}
    return {f"{prefix}::{XLSFORM_LANGUAGE[lang]}": value for lang, value in text.as_dict().items()}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _blank(raw: Any) -> bool:
    return (
        raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list | tuple | dict) and not raw)
    )


class QuestionType:
    name: ClassVar[str]
    template: ClassVar[str]  # Jinja template under templates/questionnaire/ that renders the item
    widget: ClassVar[str]  # HTML widget the template uses
    xlsform_type: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()  # keys beyond COMMON_KEYS
    has_answer: ClassVar[bool] = True
    shown: ClassVar[bool] = True
    uses_choices: ClassVar[bool] = False
    # What a bare name of this item yields in an expression: code, codes, number, text, date, rows, any.
    value_kind: ClassVar[str | None] = None

    @property
    def allowed_keys(self) -> frozenset[str]:
        return COMMON_KEYS | self.keys

    def check(self, item: Item) -> list[TypeIssue]:
        """Problems in the definition that only depend on the item itself."""
        return []

    def coerce(self, item: Item, raw: Any) -> Any:
        """Read a submitted value (form strings or already typed); None when empty; AnswerError if bad."""
        return None if _blank(raw) else raw

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        """Type rules (choice codes, bounds, lengths) for a non-empty coerced value."""
        return []

    def is_complete(self, item: Item, value: Any) -> bool:
        return not _blank(value)

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
        if item.calculation:
            row["calculation"] = item.calculation.to_xlsform()
        return [row]

    def xlsform_constraint(self, item: Item) -> str:
        parts = [f"({item.constraint.to_xlsform()})"] if item.constraint else []
        parts += self.bound_constraints(item)
        return " and ".join(parts)

    def bound_constraints(self, item: Item) -> list[str]:
        return []


# --- choices -----------------------------------------------------------------------------------------


def _choice_list_issues(choices: ChoiceList | None, needs_values: bool) -> list[TypeIssue]:
    if choices is None:
        return [TypeIssue("has no choices", "add `choices:` with a list name or an inline list", "choices")]
    issues = []
    if needs_values:
        for choice in choices.choices:
            if not choice.special and not _is_number(choice.value):
                issues.append(
                    TypeIssue(
                        f"choice {choice.code!r} of list {choices.name!r} has no numeric value",
                        "give every non-special choice a `value:` (e.g. 1..5), or use type single_choice",
                        "choices",
                    )
                )
    return issues


def _choice_values(item: Item, code: str) -> int | float | None:
    choice = item.choices.get(code) if item.choices else None
    return choice.value if choice else None


class SingleChoice(QuestionType):
    name = "single_choice"
    template = "questionnaire/single_choice.html"
    widget = "radio"
    xlsform_type = "select_one"
    keys = frozenset({"choices", "choice_filter"})
    uses_choices = True
    value_kind = "code"

    def check(self, item: Item) -> list[TypeIssue]:
        return _choice_list_issues(item.choices, needs_values=False)

    def coerce(self, item: Item, raw: Any) -> Any:
        if _blank(raw):
            return None
        if isinstance(raw, list | tuple):
            if len(raw) != 1:
                raise AnswerError("not_a_choice")
            raw = raw[0]
        if not isinstance(raw, str):
            raise AnswerError("not_a_choice")
        return raw.strip()

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        if item.choices is None or value not in item.choices.codes:
            return [AnswerError("not_a_choice")]
        return []

    def xlsform_rows(self, item: Item) -> list[dict[str, str]]:
        rows = super().xlsform_rows(item)
        rows[0]["type"] = f"{self.xlsform_type} {item.choices.name if item.choices else ''}".strip()
        return rows


class Scale(SingleChoice):
    name = "scale"
    template = "questionnaire/scale.html"
    widget = "likert"
    keys = frozenset({"choices"})

    def check(self, item: Item) -> list[TypeIssue]:
        return _choice_list_issues(item.choices, needs_values=True)

    def export_columns(self, item: Item) -> list[str]:
        return [item.code, f"{item.code}_value"]

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        return {item.code: value, f"{item.code}_value": _choice_values(item, value) if value else None}

    def xlsform_rows(self, item: Item) -> list[dict[str, str]]:
        rows = super().xlsform_rows(item)
        rows[0]["appearance"] = "likert"
        return rows


class MultipleChoice(SingleChoice):
    name = "multiple_choice"
    template = "questionnaire/multiple_choice.html"
    widget = "checkbox"
    xlsform_type = "select_multiple"
    keys = frozenset({"choices", "choice_filter", "min_choices", "max_choices"})
    value_kind = "codes"

    def check(self, item: Item) -> list[TypeIssue]:
        issues = _choice_list_issues(item.choices, needs_values=False)
        low, high = item.min_choices, item.max_choices
        for key, bound in (("min_choices", low), ("max_choices", high)):
            if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool) or bound < 1):
                issues.append(TypeIssue(f"{key} must be a positive integer", "e.g. 1", key))
        if isinstance(low, int) and isinstance(high, int) and low > high:
            issues.append(TypeIssue("min_choices is larger than max_choices", "swap them", "min_choices"))
        if item.choices and isinstance(low, int) and low > len(item.choices.choices):
            issues.append(TypeIssue("min_choices is larger than the number of choices", "", "min_choices"))
        return issues

    def coerce(self, item: Item, raw: Any) -> Any:
        if _blank(raw):
            return None
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            raise AnswerError("not_a_choice")
        chosen = {v.strip() for v in values if v.strip()}
        order = item.choices.codes if item.choices else ()
        # Stored in list order so that equal answers are equal lists.
        return [code for code in order if code in chosen] + sorted(chosen - set(order)) or None

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        if item.choices is None or any(code not in item.choices.codes for code in value):
            return [AnswerError("not_a_choice")]
        errors = []
        for code in value:
            choice = item.choices.get(code)
            if choice and choice.is_exclusive and len(value) > 1:
                errors.append(AnswerError("exclusive", label=choice.label))
        if item.min_choices and len(value) < item.min_choices:
            errors.append(AnswerError("min_choices", min_choices=item.min_choices))
        if item.max_choices and len(value) > item.max_choices:
            errors.append(AnswerError("max_choices", max_choices=item.max_choices))
        return errors

    def export_columns(self, item: Item) -> list[str]:
        return [f"{item.code}_{code}" for code in (item.choices.codes if item.choices else ())]

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        codes = item.choices.codes if item.choices else ()
        if not value:
            return {f"{item.code}_{code}": None for code in codes}
        return {f"{item.code}_{code}": int(code in value) for code in codes}

    def bound_constraints(self, item: Item) -> list[str]:
        parts = []
        for choice in item.choices.choices if item.choices else ():
            if choice.is_exclusive:
                parts.append(f"not(selected(., '{choice.code}') and count-selected(.) > 1)")
        if item.min_choices:
            parts.append(f"count-selected(.) >= {item.min_choices}")
        if item.max_choices:
            parts.append(f"count-selected(.) <= {item.max_choices}")
        return parts


class Matrix(QuestionType):
    """Rows sharing one scale. The answer is a mapping row code -> choice code."""

    name = "matrix"
    template = "questionnaire/matrix.html"
    widget = "grid"
    xlsform_type = "begin_group"
    keys = frozenset({"choices", "rows"})
    uses_choices = True
    value_kind = "rows"

    def check(self, item: Item) -> list[TypeIssue]:
        issues = _choice_list_issues(item.choices, needs_values=True)
        if not item.rows:
            issues.append(TypeIssue("has no rows", "add `rows: [{code: ..., label: {kk: ..., ru: ...}}]`", "rows"))
        return issues

    def coerce(self, item: Item, raw: Any) -> Any:
        if _blank(raw):
            return None
        if not isinstance(raw, Mapping):
            raise AnswerError("not_a_choice")
        answer = {}
        for row in item.rows:
            value = raw.get(row.code)
            if not _blank(value):
                if not isinstance(value, str):
                    raise AnswerError("not_a_choice")
                answer[row.code] = value.strip()
        return answer or None

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        codes = item.choices.codes if item.choices else ()
        rows = {row.code for row in item.rows}
        if any(key not in rows or code not in codes for key, code in value.items()):
            return [AnswerError("not_a_choice")]
        return []

    def is_complete(self, item: Item, value: Any) -> bool:
        return isinstance(value, Mapping) and all(not _blank(value.get(row.code)) for row in item.rows)

    def export_columns(self, item: Item) -> list[str]:
        return [name for row in item.rows for name in (f"{item.code}_{row.code}", f"{item.code}_{row.code}_value")]

    def export_values(self, item: Item, value: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for row in item.rows:
            code = value.get(row.code) if isinstance(value, Mapping) else None
            result[f"{item.code}_{row.code}"] = code
            result[f"{item.code}_{row.code}_value"] = _choice_values(item, code) if code else None
        return result

    def xlsform_rows(self, item: Item) -> list[dict[str, str]]:
        group: dict[str, str] = {"type": "begin_group", "name": item.code, "appearance": "field-list"}
        group |= xlsform_texts("label", item.label) | xlsform_texts("hint", item.hint)
        if item.relevant:
            group["relevant"] = item.relevant.to_xlsform()
        list_name = item.choices.name if item.choices else ""
        rows = [group]
        for row in item.rows:
            line: dict[str, str] = {"type": f"select_one {list_name}", "name": f"{item.code}_{row.code}"}
            line |= xlsform_texts("label", row.label)
            if item.required:
                line["required"] = "yes"
            rows.append(line)
        rows.append({"type": "end_group", "name": item.code})
        return rows


# --- numbers, text, dates ----------------------------------------------------------------------------


class _Number(QuestionType):
    keys = frozenset({"min", "max"})
    value_kind = "number"
    integer: ClassVar[bool] = False

    def check(self, item: Item) -> list[TypeIssue]:
        issues = []
        for key in ("min", "max"):
            bound = getattr(item, key)
            ok = isinstance(bound, int) if self.integer else _is_number(bound)
            if bound is not None and (isinstance(bound, bool) or not ok):
                kind = "an integer" if self.integer else "a number"
                issues.append(TypeIssue(f"{key} must be {kind}, got {bound!r}", f"e.g. {key}: 0", key))
        if _is_number(item.min) and _is_number(item.max) and item.min > item.max:  # type: ignore[operator]
            issues.append(TypeIssue(f"min {item.min} is larger than max {item.max}", "swap them", "min"))
        return issues

    def coerce(self, item: Item, raw: Any) -> Any:
        if _blank(raw):
            return None
        if _is_number(raw):
            if self.integer and isinstance(raw, float):
                if not raw.is_integer():
                    raise AnswerError("integer")
                return int(raw)
            return raw
        if not isinstance(raw, str):
            raise AnswerError("integer" if self.integer else "number")
        # Kazakh and Russian write a decimal comma; spaces group thousands.
        text = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            value = int(text) if self.integer else float(text)
        except ValueError:
            raise AnswerError("integer" if self.integer else "number") from None
        if not math.isfinite(value):  # "NaN", "inf", "1e400": not numbers a person answers, nor valid JSON
            raise AnswerError("number")
        return value

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        errors = []
        if _is_number(item.min) and value < item.min:  # type: ignore[operator]
            errors.append(AnswerError("min", min=item.min))
        if _is_number(item.max) and value > item.max:  # type: ignore[operator]
            errors.append(AnswerError("max", max=item.max))
        return errors

    def bound_constraints(self, item: Item) -> list[str]:
        parts = []
        if item.min is not None:
            parts.append(f". >= {item.min}")
        if item.max is not None:
            parts.append(f". <= {item.max}")
        return parts


class Integer(_Number):
    name = "integer"
    template = "questionnaire/number.html"
    widget = "number"
    xlsform_type = "integer"
    integer = True


class Decimal(_Number):
    name = "decimal"
    template = "questionnaire/number.html"
    widget = "number"
    xlsform_type = "decimal"


class Text(QuestionType):
    name = "text"
    template = "questionnaire/text.html"
    widget = "input"
    xlsform_type = "text"
    keys = frozenset({"max_length"})
    value_kind = "text"
    default_length: ClassVar[int] = 255
    limit: ClassVar[int] = 1000

    def check(self, item: Item) -> list[TypeIssue]:
        length = item.max_length
        if length is not None and (
            not isinstance(length, int) or isinstance(length, bool) or not 1 <= length <= self.limit
        ):
            return [TypeIssue(f"max_length must be an integer from 1 to {self.limit}", "", "max_length")]
        return []

    def length(self, item: Item) -> int:
        return item.max_length or self.default_length

    def coerce(self, item: Item, raw: Any) -> Any:
        if _blank(raw):
            return None
        if not isinstance(raw, str):
            raise AnswerError("text")
        # Browsers send CRLF; store one newline convention.
        return raw.replace("\r\n", "\n").strip()

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        if len(value) > self.length(item):
            return [AnswerError("too_long", max_length=self.length(item))]
        return []

    def bound_constraints(self, item: Item) -> list[str]:
        return [f"string-length(.) <= {self.length(item)}"]


class LongText(Text):
    name = "long_text"
    template = "questionnaire/long_text.html"
    widget = "textarea"
    default_length = 2000
    limit = 10000

    def xlsform_rows(self, item: Item) -> list[dict[str, str]]:
        rows = super().xlsform_rows(item)
        rows[0]["appearance"] = "multiline"
        return rows


def resolve_date(bound: Any, today: dt.date) -> dt.date | None:
    if bound == "today":
        return today
    if isinstance(bound, str) and _ISO_DATE.match(bound):
        try:
            return dt.date.fromisoformat(bound)
        except ValueError:
            return None
    return None


class Date(QuestionType):
    name = "date"
    template = "questionnaire/date.html"
    widget = "date"
    xlsform_type = "date"
    keys = frozenset({"min", "max"})
    value_kind = "date"

    def check(self, item: Item) -> list[TypeIssue]:
        issues = []
        probe = dt.date(2000, 1, 1)
        for key in ("min", "max"):
            bound = getattr(item, key)
            if bound is not None and resolve_date(bound, probe) is None:
                issues.append(
                    TypeIssue(
                        f"{key} must be an ISO date or 'today', got {bound!r}",
                        f'write {key}: "2024-01-01" or {key}: today',
                        key,
                    )
                )
        low, high = resolve_date(item.min, probe), resolve_date(item.max, probe)
        if low and high and "today" not in (item.min, item.max) and low > high:
            issues.append(TypeIssue("min date is after max date", "swap them", "min"))
        return issues

    def coerce(self, item: Item, raw: Any) -> Any:
        if _blank(raw):
            return None
        if isinstance(raw, dt.date):
            return raw.isoformat()
        if not isinstance(raw, str) or resolve_date(raw.strip(), dt.date.today()) is None or raw.strip() == "today":
            raise AnswerError("date")
        return raw.strip()

    def validate(self, item: Item, value: Any, today: dt.date | None = None) -> list[AnswerError]:
        today = today or dt.date.today()
        day = dt.date.fromisoformat(value)
        errors = []
        low, high = resolve_date(item.min, today), resolve_date(item.max, today)
        if low and day < low:
            errors.append(AnswerError("date_min", min=low.isoformat()))
        if high and day > high:
            errors.append(AnswerError("date_max", max=high.isoformat()))
        return errors

    def bound_constraints(self, item: Item) -> list[str]:
        parts = []
        for key, op in (("min", ">="), ("max", "<=")):
            bound = getattr(item, key)
            if bound == "today":
                parts.append(f". {op} today()")
            elif bound is not None:
                parts.append(f". {op} date('{bound}')")
        return parts


class Note(QuestionType):
    name = "note"
    template = "questionnaire/note.html"
    widget = "note"
    xlsform_type = "note"
    has_answer = False
    value_kind = None

    @property
    def allowed_keys(self) -> frozenset[str]:
        return frozenset({"code", "type", "label", "hint", "relevant", "required", "renamed_from", "replaces"})


class Calculate(QuestionType):
    name = "calculate"
    template = ""
    widget = "hidden"
    xlsform_type = "calculate"
    keys = frozenset({"calculation"})
    shown = False
    value_kind = "any"

    @property
    def allowed_keys(self) -> frozenset[str]:
        return frozenset({"code", "type", "label", "calculation", "relevant", "renamed_from", "replaces"})

    def check(self, item: Item) -> list[TypeIssue]:
        if item.calculation is None:
            return [TypeIssue("has no calculation", 'add `calculation: "..."`', "calculation")]
        return []


QUESTION_TYPES: Final[dict[str, QuestionType]] = {
    qt.name: qt
    for qt in (
        Note(),
        SingleChoice(),
        MultipleChoice(),
        Scale(),
        Matrix(),
        Integer(),
        Decimal(),
        Text(),
        LongText(),
        Date(),
        Calculate(),
    )
}


def question_type(item: Item) -> QuestionType:
    return QUESTION_TYPES[item.type]


def choice_label(choice: Choice, language: str) -> str:
    return choice.label.get(language)


__all__ = ["LANGUAGES", "QUESTION_TYPES", "QuestionType", "TypeIssue", "question_type"]

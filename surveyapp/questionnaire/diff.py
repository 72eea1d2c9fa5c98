"""What changed between two versions of an instrument, for researchers and translators."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import ChoiceList, Item, MatrixRow, QuestionnaireVersion
from .text import LANGUAGES, LocalizedText


@dataclass(frozen=True, slots=True)
class TextChange:
    field: str  # label, hint, constraint_message, choice 'x', row 'y'
    language: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class ItemChange:
    code: str
    old_code: str  # differs from code for renamed and replaced items
    texts: tuple[TextChange, ...] = ()
    recoded: tuple[str, ...] = ()  # choice list and matrix row changes that touch codes or values
    type_change: tuple[str, str] | None = None
    logic: tuple[str, ...] = ()  # relevant, constraint, required, bounds, section

    @property
    def reworded(self) -> bool:
        return bool(self.texts)

    def __bool__(self) -> bool:
        return bool(self.texts or self.recoded or self.type_change or self.logic)


@dataclass(frozen=True)
class VersionDiff:
    instrument: str
    old_version: str
    new_version: str
    added: tuple[Item, ...] = ()
    removed: tuple[Item, ...] = ()
    renamed: tuple[ItemChange, ...] = ()
    replaced: tuple[ItemChange, ...] = ()
    changed: tuple[ItemChange, ...] = ()
    sections_added: tuple[str, ...] = ()
    sections_removed: tuple[str, ...] = ()
    metadata: tuple[str, ...] = field(default=())

    @property
    def reworded(self) -> tuple[ItemChange, ...]:
        return tuple(c for c in (*self.changed, *self.renamed) if c.texts)

    @property
    def recoded(self) -> tuple[ItemChange, ...]:
        return tuple(c for c in (*self.changed, *self.renamed, *self.replaced) if c.recoded)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.replaced
            or self.changed
            or self.sections_added
            or self.sections_removed
            or self.metadata
        )

    def format_text(self, language: str = "en") -> str:
        """A plain-text report; item labels are quoted in `language` (falling back to Russian)."""
        lines = [f"{self.instrument}: {self.old_version} -> {self.new_version}"]
        if self.is_empty:
            return lines[0] + "\nNo differences in content."

        def label(item: Item) -> str:
            text = item.label.get(language)
            return f" “{_short(text)}”" if text else ""

        def block(title: str, entries: list[str]) -> None:
            if entries:
                lines.append("")
                lines.append(f"{title} ({len(entries)}):")
                lines.extend(entries)

        block("Sections added", [f"  + {code}" for code in self.sections_added])
        block("Sections removed", [f"  - {code}" for code in self.sections_removed])
        block("Items added", [f"  + {i.code} [{i.type}, section {i.section}]{label(i)}" for i in self.added])
        block("Items removed", [f"  - {i.code} [{i.type}, section {i.section}]{label(i)}" for i in self.removed])
        block("Items renamed (same meaning)", [_change_text(c, f"  ~ {c.old_code} -> {c.code}") for c in self.renamed])
        block(
            "Items replaced (type or scale changed; the series breaks)",
            [_change_text(c, f"  ! {c.old_code} -> {c.code}") for c in self.replaced],
        )
        block("Items changed", [_change_text(c, f"  * {c.code}") for c in self.changed])
        block("Questionnaire", [f"  * {entry}" for entry in self.metadata])
        summary = (
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.renamed)} renamed, "
            f"{len(self.replaced)} replaced, {len(self.reworded)} reworded, {len(self.recoded)} recoded"
        )
        lines += ["", f"Summary: {summary}."]
        return "\n".join(lines)


def _short(text: str | None, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _change_text(change: ItemChange, head: str) -> str:
    lines = [head]
    if change.type_change:
        lines.append(f"      type: {change.type_change[0]} -> {change.type_change[1]}")
    lines += [f"      {entry}" for entry in change.recoded]
    for text in change.texts:
        lines.append(
            f"      {text.field} [{text.language}]: “{_short(text.old)}” -> “{_short(text.new)}”"
            if text.old and text.new
            else f"      {text.field} [{text.language}]: "
            + (f"added “{_short(text.new)}”" if text.new else f"removed “{_short(text.old)}”")
        )
    lines += [f"      {entry}" for entry in change.logic]
    return "\n".join(lines)


def _texts(name: str, old: LocalizedText | None, new: LocalizedText | None) -> list[TextChange]:
    old = old or LocalizedText()
    new = new or LocalizedText()
    result = []
    for language in LANGUAGES:
        before, after = getattr(old, language), getattr(new, language)
        if " ".join((before or "").split()) != " ".join((after or "").split()):
            result.append(TextChange(name, language, before, after))
    return result


def _choices(old: ChoiceList | None, new: ChoiceList | None) -> tuple[list[str], list[TextChange]]:
    if old is None or new is None:
        return ([] if old is new else ["choices: list added" if new else "choices: list removed"]), []
    recoded: list[str] = []
    texts: list[TextChange] = []
    added = [c for c in new.codes if c not in old.codes]
    removed = [c for c in old.codes if c not in new.codes]
    if added:
        recoded.append(f"choices added: {', '.join(added)}")
    if removed:
        recoded.append(f"choices removed: {', '.join(removed)}")
    for choice in old.choices:
        now = new.get(choice.code)
        if now is None:
            continue
        if now.value != choice.value:
            recoded.append(f"choice {choice.code}: value {choice.value} -> {now.value}")
        if now.special != choice.special:
            recoded.append(f"choice {choice.code}: special {choice.special} -> {now.special}")
        if now.parent != choice.parent:
            recoded.append(f"choice {choice.code}: parent {choice.parent} -> {now.parent}")
        texts += _texts(f"choice {choice.code}", choice.label, now.label)
    kept_old = [c for c in old.codes if c in new.codes]
    kept_new = [c for c in new.codes if c in old.codes]
    if kept_old != kept_new:
        recoded.append("choices reordered")
    return recoded, texts


def _rows(old: tuple[MatrixRow, ...], new: tuple[MatrixRow, ...]) -> tuple[list[str], list[TextChange]]:
    old_rows = {row.code: row for row in old}
    new_rows = {row.code: row for row in new}
    recoded = []
    if added := [code for code in new_rows if code not in old_rows]:
        recoded.append(f"rows added: {', '.join(added)}")
    if removed := [code for code in old_rows if code not in new_rows]:
        recoded.append(f"rows removed: {', '.join(removed)}")
    texts = [
        t
        for code, row in old_rows.items()
        if code in new_rows
        for t in _texts(f"row {code}", row.label, new_rows[code].label)
    ]
    return recoded, texts


def _value(value: Any) -> str:
    return "none" if value is None else f"“{value}”" if hasattr(value, "node") else str(value)


def compare_items(old: Item, new: Item) -> ItemChange:
    texts = _texts("label", old.label, new.label) + _texts("hint", old.hint, new.hint)
    texts += _texts("constraint_message", old.constraint_message, new.constraint_message)
    recoded, choice_texts = _choices(old.choices, new.choices)
    row_recoded, row_texts = _rows(old.rows, new.rows)
    logic = []
    for key in (
        "relevant",
        "constraint",
        "calculation",
        "required",
        "choice_filter",
        "choice_condition",
        "min",
        "max",
        "min_choices",
        "max_choices",
        "max_length",
    ):
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            logic.append(f"{key}: {_value(before)} -> {_value(after)}")
    if old.section != new.section:
        logic.append(f"section: {old.section} -> {new.section}")
    return ItemChange(
        code=new.code,
        old_code=old.code,
        texts=tuple(texts + choice_texts + row_texts),
        recoded=tuple(recoded + row_recoded),
        type_change=(old.type, new.type) if old.type != new.type else None,
        logic=tuple(logic),
    )


def _metadata(old: QuestionnaireVersion, new: QuestionnaireVersion) -> list[str]:
    entries = []
    for key in ("population", "age_range", "languages", "estimated_minutes", "min_seconds"):
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            entries.append(f"{key}: {before} -> {after}")
    for name, before_text, after_text in (
        ("title", old.title, new.title),
        ("consent text", old.consent.text if old.consent else None, new.consent.text if new.consent else None),
    ):
        for change in _texts(name, before_text, after_text):
            entries.append(f"{change.field} [{change.language}]: “{_short(change.old)}” -> “{_short(change.new)}”")
    old_design = {v.name: v for v in old.design_variables}
    new_design = {v.name: v for v in new.design_variables}
    for name in sorted(old_design.keys() | new_design.keys()):
        if old_design.get(name) != new_design.get(name):
            entries.append(
                f"design variable {name}: changed"
                if name in old_design and name in new_design
                else f"design variable {name}: {'added' if name in new_design else 'removed'}"
            )
    if [h.phone for h in old.helplines] != [h.phone for h in new.helplines]:
        entries.append(f"helplines: {[h.phone for h in old.helplines]} -> {[h.phone for h in new.helplines]}")
    return entries


def diff_versions(old: QuestionnaireVersion, new: QuestionnaireVersion) -> VersionDiff:
    old_items = {item.code: item for item in old.items}
    matched_old: set[str] = set()
    renamed, replaced, changed, added = [], [], [], []
    for item in new.items:
        if item.code in old_items:
            matched_old.add(item.code)
            change = compare_items(old_items[item.code], item)
            if change:
                changed.append(change)
        elif item.renamed_from in old_items:
            matched_old.add(item.renamed_from)
            renamed.append(compare_items(old_items[item.renamed_from], item))
        elif item.replaces in old_items:
            matched_old.add(item.replaces)
            replaced.append(compare_items(old_items[item.replaces], item))
        else:
            added.append(item)
    removed = [item for code, item in old_items.items() if code not in matched_old]
    old_sections = [s.code for s in old.sections]
    new_sections = [s.code for s in new.sections]
    return VersionDiff(
        instrument=new.instrument,
        old_version=old.version,
        new_version=new.version,
        added=tuple(added),
        removed=tuple(removed),
        renamed=tuple(renamed),
        replaced=tuple(replaced),
        changed=tuple(changed),
        sections_added=tuple(c for c in new_sections if c not in old_sections),
        sections_removed=tuple(c for c in old_sections if c not in new_sections),
        metadata=tuple(_metadata(old, new)),
    )

"""The version diff as a researcher's page: full texts side by side, in the interface language, with the
reasons the questionnaire's authors wrote in the new version's ``x_changes`` notes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from analysis.vocabulary import LANGUAGES
from surveyapp.questionnaire.diff import ItemChange, TextChange, VersionDiff
from surveyapp.questionnaire.model import Item, QuestionnaireVersion

_CHOICE = re.compile(r"^choice (?P<code>\S+)$")
_ROW = re.compile(r"^row (?P<code>\S+)$")
_CODES = re.compile(r"^(?P<what>choices|rows) (?P<how>added|removed): (?P<codes>.+)$")
_ATTRIBUTE = re.compile(r"^choice (?P<code>\S+): (?P<key>value|special|parent) (?P<old>.*) -> (?P<new>.*)$")
_TEXT_ENTRY = re.compile(r"^(title|consent text) \[[a-z]{2}\]: ")
_DESIGN = re.compile(r"^design variable (?P<name>\S+): (?P<how>changed|added|removed)$")
_RULE = re.compile(r"^(?P<key>[a-z_]+): (?P<old>.*) -> (?P<new>.*)$")


@dataclass(frozen=True)
class TextRow:
    """One text, before and after, in full."""

    what: str
    language: str
    old: str
    new: str


@dataclass
class Entry:
    kind: str  # added, removed, renamed, replaced, changed
    code: str
    old_code: str
    label_old: str = ""
    label_new: str = ""
    facts: list[str] = field(default_factory=list)  # type, codes and logic changes, in words
    texts: list[TextRow] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass
class DiffPage:
    summary: str  # the version's own "changes" text
    summary_language: str
    entries: list[Entry]
    questionnaire: list[str]  # languages, design variables, helplines
    questionnaire_texts: list[TextRow]  # title and consent, in full
    sections_added: list[str]
    sections_removed: list[str]
    notes: list[tuple[str, str]]  # reasons that name no entry shown: (code, text)
    counts: dict[str, int]


def kind_label(kind: str) -> str:
    return {
        "added": _("Added"),
        "removed": _("Removed"),
        "renamed": _("Renamed (same meaning)"),
        "replaced": _("Replaced (the series breaks)"),
        "changed": _("Changed"),
    }[kind]


def _reasons(version: QuestionnaireVersion) -> dict[str, list[str]]:
    """Reasons by the code they name, from ``x_changes: {category: {code: text}}``."""
    notes = json.loads(version.canonical_json).get("x_changes") or {}
    found: dict[str, list[str]] = {}
    if isinstance(notes, dict):
        for entries in notes.values():
            if isinstance(entries, dict):
                for code, text in entries.items():
                    found.setdefault(str(code), []).append(str(text))
    return found


def _text_name(name: str, item: Item | None, language: str) -> str:
    if name == "label":
        return _("Question text")
    if name == "hint":
        return _("Hint")
    if name == "constraint_message":
        return _("Message for a wrong answer")
    if match := _CHOICE.match(name):
        return _("Answer option %(code)s", code=match["code"])
    if match := _ROW.match(name):
        return _("Row %(code)s", code=match["code"])
    return name


def _choice_text(item: Item | None, code: str, language: str) -> str:
    if item is not None and item.choices is not None and (choice := item.choices.get(code)) is not None:
        return f"{code} “{choice.label.get(language)}”"
    if item is not None:
        for row in item.rows:
            if row.code == code:
                return f"{code} “{row.label.get(language)}”"
    return code


def _fact(entry: str, old: Item | None, new: Item | None, language: str) -> str:
    """One recoding or logic change in words; codes stay as they are (they are the data's names)."""
    if match := _CODES.match(entry):
        codes = [c.strip() for c in match["codes"].split(",")]
        item = new if match["how"] == "added" else old
        listed = "; ".join(_choice_text(item, code, language) for code in codes)
        messages = {
            ("choices", "added"): _("Answer options added: %(codes)s"),
            ("choices", "removed"): _("Answer options removed: %(codes)s"),
            ("rows", "added"): _("Rows added: %(codes)s"),
            ("rows", "removed"): _("Rows removed: %(codes)s"),
        }
        return messages[(match["what"], match["how"])] % {"codes": listed}
    if entry == "choices reordered":
        return _("Answer options reordered")
    if entry in ("choices: list added", "choices: list removed"):
        return _("Answer list added") if entry.endswith("added") else _("Answer list removed")
    if match := _ATTRIBUTE.match(entry):
        names = {"value": _("stored value"), "special": _("special code"), "parent": _("parent option")}
        return _(
            "Answer option %(code)s, %(what)s: %(old)s → %(new)s",
            code=match["code"],
            what=names[match["key"]],
            old=match["old"],
            new=match["new"],
        )
    if match := _RULE.match(entry):
        names = {
            "relevant": _("shown when"),
            "constraint": _("answer check"),
            "calculation": _("calculation"),
            "required": _("required"),
            "choice_filter": _("option filter"),
            "choice_condition": _("option filter"),
            "min": _("minimum"),
            "max": _("maximum"),
            "min_choices": _("fewest options"),
            "max_choices": _("most options"),
            "max_length": _("longest text"),
            "section": _("page"),
        }
        name = names.get(match["key"])
        if name is not None:
            return f"{name}: {match['old']} → {match['new']}"
    return entry


def _texts(changes: tuple[TextChange, ...], item: Item | None, language: str) -> list[TextRow]:
    # The reader's language first, then the others: a translator checks all three.
    # The question in the reader's language already stands side by side above the table.
    ordered = sorted(
        (t for t in changes if not (t.field == "label" and t.language == language)),
        key=lambda t: (t.language != language, t.language),
    )
    return [TextRow(_text_name(t.field, item, language), t.language, t.old or "", t.new or "") for t in ordered]


def diff_page(diff: VersionDiff, before: QuestionnaireVersion, after: QuestionnaireVersion, language: str) -> DiffPage:
    reasons = _reasons(after)
    used: set[str] = set()

    def reasons_for(*codes: str) -> list[str]:
        found = []
        for code in dict.fromkeys(codes):
            if code in reasons:
                used.add(code)
                found += reasons[code]
        return found

    def old_item(code: str) -> Item | None:
        return next((i for i in before.items if i.code == code), None)

    def new_item(code: str) -> Item | None:
        return next((i for i in after.items if i.code == code), None)

    entries: list[Entry] = []
    for item in diff.added:
        entries.append(
            Entry(
                "added",
                item.code,
                item.code,
                label_new=item.label.get(language),
                facts=[
                    _("Type: %(type)s; page: %(page)s", type=item.type, page=_section(after, item.section, language))
                ],
                reasons=reasons_for(item.code),
            )
        )
    for item in diff.removed:
        entries.append(
            Entry(
                "removed",
                item.code,
                item.code,
                label_old=item.label.get(language),
                facts=[
                    _("Type: %(type)s; page: %(page)s", type=item.type, page=_section(before, item.section, language))
                ],
                reasons=reasons_for(item.code),
            )
        )
    groups: tuple[tuple[str, tuple[ItemChange, ...]], ...] = (
        ("renamed", diff.renamed),
        ("replaced", diff.replaced),
        ("changed", diff.changed),
    )
    for kind, changes in groups:
        for change in changes:
            old, new = old_item(change.old_code), new_item(change.code)
            facts = []
            if change.type_change:
                facts.append(_("Type: %(old)s → %(new)s", old=change.type_change[0], new=change.type_change[1]))
            facts += [_fact(entry, old, new, language) for entry in (*change.recoded, *change.logic)]
            label_changed = any(t.field == "label" for t in change.texts)
            entries.append(
                Entry(
                    kind,
                    change.code,
                    change.old_code,
                    label_old=old.label.get(language) if old and label_changed else "",
                    label_new=new.label.get(language) if new else "",
                    facts=facts,
                    texts=_texts(change.texts, new, language),
                    reasons=reasons_for(change.code, change.old_code),
                )
            )
    order = {item.code: index for index, item in enumerate((*after.items, *before.items))}
    entries.sort(key=lambda e: order.get(e.code, order.get(e.old_code, len(order))))
    summary = after.changes.get(language) if after.changes else ""
    summary_language = next(
        (code for code in (language, "ru", "kk", "en") if after.changes and after.changes.get(code, fallback=False)),
        language,
    )
    return DiffPage(
        summary=summary,
        summary_language=summary_language,
        entries=entries,
        questionnaire=[_metadata(entry) for entry in diff.metadata if not _TEXT_ENTRY.match(entry)],
        questionnaire_texts=_version_texts(before, after, language),
        sections_added=[_section(after, code, language) for code in diff.sections_added],
        sections_removed=[_section(before, code, language) for code in diff.sections_removed],
        notes=[(code, text) for code, texts in reasons.items() if code not in used for text in texts],
        counts={
            "added": len(diff.added),
            "removed": len(diff.removed),
            "renamed": len(diff.renamed),
            "replaced": len(diff.replaced),
            "reworded": len(diff.reworded),
            "recoded": len(diff.recoded),
        },
    )


def _section(version: QuestionnaireVersion, code: str, language: str) -> str:
    try:
        return f"{version.section(code).title.get(language)} ({code})"
    except KeyError:
        return code


def _version_texts(before: QuestionnaireVersion, after: QuestionnaireVersion, language: str) -> list[TextRow]:
    rows = []
    pairs = (
        (_("Title"), before.title, after.title),
        (
            _("Consent text"),
            before.consent.text if before.consent else None,
            after.consent.text if after.consent else None,
        ),
    )
    for name, old, new in pairs:
        for lang in sorted(LANGUAGES, key=lambda code: (code != language, code)):
            was = old.get(lang, fallback=False) if old else ""
            now = new.get(lang, fallback=False) if new else ""
            if " ".join(was.split()) != " ".join(now.split()):
                rows.append(TextRow(name, lang, was, now))
    return rows


def _metadata(entry: str) -> str:
    if match := _DESIGN.match(entry):
        how = {"changed": _("changed"), "added": _("added"), "removed": _("removed")}[match["how"]]
        return _("Design variable %(name)s: %(how)s", name=match["name"], how=how)
    if match := _RULE.match(entry):
        names = {
            "population": _("population"),
            "age_range": _("age range"),
            "languages": _("languages"),
            "estimated_minutes": _("estimated minutes"),
            "min_seconds": _("minimum time (seconds)"),
            "helplines": _("helplines"),
        }
        if match["key"] in names:
            return f"{names[match['key']]}: {match['old']} → {match['new']}"
    return entry

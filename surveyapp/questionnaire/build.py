"""From YAML data (with line numbers) to a QuestionnaireVersion, collecting every structural problem.

The builder is tolerant: a broken item is reported and left out, so one run reports as many problems as
possible. Cross-item rules (expressions, reachability, export columns) are in validation.py.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .canonical import canonical_json, sha256_hex
from .errors import ExpressionError
from .expression import Expression
from .model import (
    CONSENT_MODES,
    DESIGN_SOURCES,
    PARENTAL_CONSENT,
    POPULATIONS,
    SPECIAL_CODES,
    Choice,
    ChoiceList,
    Consent,
    DesignVariable,
    Helpline,
    Item,
    MatrixRow,
    QuestionnaireVersion,
    Section,
)
from .problem import Problem, Severity
from .question_types import QUESTION_TYPES
from .shared_lists import SharedList
from .text import LANGUAGES, LocalizedText
from .yamlsource import Document, Path_

CODE_RE: Final = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
VERSION_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TOP_KEYS: Final = frozenset(
    {
        "instrument",
        "version",
        "title",
        "description",
        "population",
        "age_range",
        "languages",
        "estimated_minutes",
        "consent",
        "design_variables",
        "quality",
        "helplines",
        "choice_lists",
        "sections",
        "changes",
    }
)
REQUIRED_TOP: Final = ("instrument", "version", "title", "population", "languages", "consent", "sections")
LANGUAGE_NAMES: Final = {"kk": "Kazakh (kk)", "ru": "Russian (ru)", "en": "English (en)"}


@dataclass
class SourceMap:
    """Where things are in the file, for problems found after building."""

    file: str
    document: Document
    items: dict[str, Path_] = field(default_factory=dict)
    sections: dict[str, Path_] = field(default_factory=dict)
    lists: dict[str, Path_] = field(default_factory=dict)
    broken_items: set[str] = field(default_factory=set)  # reported already; references to them are not

    def line(self, path: Path_) -> int:
        return self.document.line(path)

    def item_line(self, code: str, key: str | None = None) -> int:
        base = self.items.get(code) or self.sections.get(code) or ()
        return self.line((*base, key) if key else base)


@dataclass
class BuildResult:
    version: QuestionnaireVersion | None
    problems: list[Problem]
    source: SourceMap


def suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Builder:
    def __init__(self, path: Path, document: Document, shared: dict[str, SharedList], display: str) -> None:
        self.path = path
        self.doc = document
        self.shared = shared
        self.source = SourceMap(display, document)
        self.problems: list[Problem] = []
        self.lists: dict[str, ChoiceList] = {}
        self.resolved_lists: dict[str, Any] = {}  # list name -> resolved raw data for the canonical form
        self.item_codes: set[str] = set()

    # --- reporting --------------------------------------------------------------------------------

    def error(self, path: Path_, item: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.source.file, self.doc.line(path), item, message, hint))

    def warn(self, path: Path_, item: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.source.file, self.doc.line(path), item, message, hint, Severity.WARNING))

    def check_keys(
        self, path: Path_, data: dict[str, Any], allowed: Iterable[str], item: str | None, what: str
    ) -> None:
        allowed = set(allowed)
        for key in data:
            if key not in allowed and not key.startswith("x_"):
                hint = suggest(key, allowed) or f"allowed keys: {', '.join(sorted(allowed))} (or x_... notes)"
                self.error((*path, key), item, f"unknown key {key!r} in {what}", hint)

    def check_code(self, path: Path_, code: Any, item: str | None, what: str) -> str | None:
        if not isinstance(code, str) or not CODE_RE.match(code):
            fixed = re.sub(r"[^a-z0-9_]+", "_", str(code).lower()).strip("_") or "code"
            if not fixed[0].isalpha():
                fixed = f"c_{fixed}"
            self.error(
                path,
                item,
                f"{what} code {code!r} is not snake_case",
                f"use lowercase letters, digits and _, starting with a letter, e.g. {fixed!r}",
            )
            return None
        return code

    # --- text -------------------------------------------------------------------------------------

    def text(
        self, path: Path_, data: Any, item: str | None, what: str, *, respondent: bool = True, required: bool = True
    ) -> LocalizedText | None:
        if data is None:
            if required:
                self.error(path, item, f"{what} is missing", f"add {path[-1]}: {{kk: ..., ru: ...}}")
            return None
        if not isinstance(data, dict):
            self.error(
                path,
                item,
                f"{what} must be a mapping of languages, not {type(data).__name__}",
                f'write {path[-1]}: {{kk: "...", ru: "..."}}',
            )
            return None
        for lang, value in data.items():
            if lang not in LANGUAGES:
                self.error(
                    (*path, lang),
                    item,
                    f"unknown language {lang!r} in {what}",
                    suggest(lang, LANGUAGES) or "languages are kk, ru, en",
                )
            elif value is not None and not isinstance(value, str):
                self.error((*path, lang), item, f"{what} in {LANGUAGE_NAMES[lang]} must be text", "quote the text")
        text = LocalizedText.from_mapping({k: v for k, v in data.items() if isinstance(v, str) and v.strip()})
        if respondent:
            for lang in text.missing():
                self.error(
                    path,
                    item,
                    f"{what} has no {LANGUAGE_NAMES[lang]} text",
                    f'add {lang}: "..." (Kazakh and Russian are required for what respondents see)',
                )
        elif not text:
            self.error(path, item, f"{what} is empty", "add the text in at least one language")
        return text

    # --- expressions ------------------------------------------------------------------------------

    def expression(self, path: Path_, data: Any, item: str | None) -> Expression | None:
        if data is None:
            return None
        if isinstance(data, bool):
            data = "true" if data else "false"
        if not isinstance(data, str | int | float):
            self.error(path, item, f"{path[-1]} must be an expression in quotes", 'e.g. relevant: "age >= 18"')
            return None
        try:
            return Expression.parse(str(data))
        except ExpressionError as exc:
            self.error(
                path,
                item,
                f"{path[-1]}: {exc.message} in {str(data)!r}",
                exc.hint or "see the expression rules in questionnaires/README.md",
            )
            return None

    # --- choice lists -----------------------------------------------------------------------------

    def choice_list(self, path: Path_, data: Any, name: str, item: str | None) -> ChoiceList | None:
        line = self.doc.line(path)
        include: str | None = None
        entries: list[tuple[Path_, Any]] = []
        resolved: list[Any] = []
        if isinstance(data, dict):
            self.check_keys(path, data, ("include", "append", "choices"), item, f"choice list {name!r}")
            include = data.get("include")
            shared = self.shared.get(include) if isinstance(include, str) else None
            if isinstance(data.get("choices"), list):
                # Canonical content carries the resolved shared list, so a stored version never
                # depends on today's _lists/ files.
                shared = SharedList(str(include), Path(f"{include}.yaml"), Document({"choices": data["choices"]}))
                data = {k: v for k, v in data.items() if k != "choices"}
            if shared is None:
                hint = suggest(str(include), self.shared) or f"shared lists: {', '.join(sorted(self.shared))}"
                self.error((*path, "include"), item, f"unknown shared list {include!r}", hint)
                return None
            if shared.problems or not isinstance(shared.raw_choices, list):
                self.error(
                    (*path, "include"),
                    item,
                    f"shared list {include!r} is broken",
                    f"fix {shared.path.name} first: " + "; ".join(str(p) for p in shared.problems),
                )
                return None
            for index, raw in enumerate(shared.raw_choices):
                entries.append((("__shared__", include, index), raw))
            append = data.get("append") or []
            if not isinstance(append, list):
                self.error((*path, "append"), item, "append must be a list of choices", "")
                append = []
            entries += [((*path, "append", index), raw) for index, raw in enumerate(append)]
        elif isinstance(data, list):
            entries = [((*path, index), raw) for index, raw in enumerate(data)]
        else:
            self.error(
                path,
                item,
                f"choice list {name!r} must be a list of choices or {{include: NAME}}",
                "see Choice lists in questionnaires/README.md",
            )
            return None
        if not entries:
            self.error(path, item, f"choice list {name!r} is empty", "add at least two choices")
            return None
        choices: list[Choice] = []
        seen: set[str] = set()
        for entry_path, raw in entries:
            shared_entry = entry_path[0] == "__shared__"
            where = (*path, "include") if shared_entry else entry_path
            choice = self.choice(where, raw, name, item)
            if choice is None:
                continue
            if choice.code in seen:
                self.error(
                    where,
                    item,
                    f"choice code {choice.code!r} appears twice in list {name!r}",
                    "give every choice its own code",
                )
                continue
            seen.add(choice.code)
            choices.append(choice)
            resolved.append(raw)
        self.resolved_lists[name] = {"include": include, "choices": copy.deepcopy(resolved)} if include else None
        return ChoiceList(name, tuple(choices), include, line)

    def choice(self, path: Path_, raw: Any, list_name: str, item: str | None) -> Choice | None:
        if not isinstance(raw, dict):
            self.error(
                path,
                item,
                f"a choice of list {list_name!r} must be a mapping",
                "write {code: ..., label: {kk: ..., ru: ...}}",
            )
            return None
        self.check_keys(path, raw, ("code", "label", "value", "special", "parent", "exclusive"), item, "a choice")
        code = raw.get("code")
        if _is_number(code):
            self.error(
                (*path, "code"),
                item,
                f"choice code {code!r} is a number",
                "codes are snake_case words (e.g. 'yes', 'very_safe'); put numbers in value:",
            )
            return None
        code = self.check_code((*path, "code"), code, item, "choice")
        if code is None:
            return None
        label = self.text((*path, "label"), raw.get("label"), item, f"label of choice {code!r}")
        value = raw.get("value")
        if value is not None and not _is_number(value):
            self.error(
                (*path, "value"), item, f"value of choice {code!r} must be a number, got {value!r}", "e.g. value: 3"
            )
            value = None
        special = raw.get("special")
        if special is not None and special not in SPECIAL_CODES:
            self.error(
                (*path, "special"),
                item,
                f"unknown special code {special!r} for choice {code!r}",
                suggest(str(special), SPECIAL_CODES) or f"one of: {', '.join(SPECIAL_CODES)}",
            )
            special = None
        if special and value is not None:
            self.error(
                (*path, "value"),
                item,
                f"special choice {code!r} must not have a value",
                "remove value: (indicators exclude special answers)",
            )
        parent = raw.get("parent")
        if parent is not None and not isinstance(parent, str):
            self.error((*path, "parent"), item, f"parent of choice {code!r} must be a choice code", "")
            parent = None
        exclusive = raw.get("exclusive", False)
        if not isinstance(exclusive, bool):
            self.error((*path, "exclusive"), item, f"exclusive of choice {code!r} must be true or false", "")
            exclusive = False
        return Choice(code, label or LocalizedText(), value, special, parent, self.doc.line(path), exclusive)

    # --- top level ---------------------------------------------------------------------------------

    def build(self) -> QuestionnaireVersion | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.error(
                (),
                None,
                "the file must be a mapping with instrument, version, sections, ...",
                "start from the example in questionnaires/README.md",
            )
            return None
        for line, key in self.doc.duplicate_keys:
            self.problems.append(
                Problem(
                    self.source.file,
                    line,
                    None,
                    f"key {key!r} appears twice in the same mapping",
                    "remove or rename one of them (YAML keeps only the last)",
                )
            )
        self.check_keys((), data, TOP_KEYS, None, "the questionnaire")
        for key in REQUIRED_TOP:
            if key not in data:
                self.error((), None, f"missing top-level key {key!r}", "see questionnaires/README.md")

        instrument = data.get("instrument")
        folder = self.path.parent.name
        if not isinstance(instrument, str) or not CODE_RE.match(instrument):
            self.error(
                ("instrument",),
                None,
                f"instrument {instrument!r} is not a snake_case code",
                f"write instrument: {folder}",
            )
            instrument = folder
        elif instrument != folder:
            self.error(
                ("instrument",),
                None,
                f"instrument {instrument!r} does not match the folder {folder!r}",
                f"write instrument: {folder}, or move the file to questionnaires/{instrument}/",
            )
        version = data.get("version")
        if _is_number(version):
            version = str(version)  # an unquoted year is what everybody writes; it means the same
            data = {**data, "version": version}
        if not isinstance(version, str) or not VERSION_RE.match(version):
            self.error(
                ("version",),
                None,
                f"version {version!r} is not a valid version string",
                f'write version: "{self.path.stem}"',
            )
            version = self.path.stem
        elif version != self.path.stem:
            self.error(
                ("version",),
                None,
                f"version {version!r} does not match the file name {self.path.name!r}",
                f'write version: "{self.path.stem}", or rename the file to {version}.yaml',
            )

        title = self.text(("title",), data.get("title"), None, "title")
        description = None
        if data.get("description") is not None:
            description = self.text(("description",), data.get("description"), None, "description", respondent=False)
        changes = None
        if data.get("changes") is not None:
            changes = self.text(("changes",), data.get("changes"), None, "changes", respondent=False)
        population = data.get("population")
        if population not in POPULATIONS:
            self.error(
                ("population",),
                None,
                f"unknown population {population!r}",
                suggest(str(population), POPULATIONS) or f"one of: {', '.join(POPULATIONS)}",
            )
        age_range = self.age_range(data.get("age_range"))
        languages = self.languages(data.get("languages"))
        minutes = data.get("estimated_minutes")
        if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1):
            self.error(("estimated_minutes",), None, "estimated_minutes must be a positive integer", "e.g. 15")
            minutes = None
        consent = self.consent(data.get("consent"), population)
        min_seconds = self.quality(data.get("quality"))
        helplines = self.helplines(data.get("helplines"))

        raw_lists = data.get("choice_lists") or {}
        if not isinstance(raw_lists, dict):
            self.error(("choice_lists",), None, "choice_lists must be a mapping of list names to lists", "")
            raw_lists = {}
        for name, raw in raw_lists.items():
            path = ("choice_lists", name)
            if self.check_code(path, name, None, "choice list") is None:
                continue
            self.source.lists[name] = path
            built = self.choice_list(path, raw, name, None)
            if built is not None:
                self.lists[name] = built

        sections = self.sections(data.get("sections"))
        design = self.design_variables(data.get("design_variables"))

        canonical = copy.deepcopy(data)
        for name, resolved in self.resolved_lists.items():
            if resolved is not None and name in raw_lists:
                canonical["choice_lists"][name] = resolved
        content = canonical_json(canonical)
        used_lists = tuple(self.lists.values())
        return QuestionnaireVersion(
            instrument=instrument,
            version=version,
            title=title or LocalizedText(),
            population=str(population),
            languages=languages,
            sections=tuple(sections),
            choice_lists=used_lists,
            source_path=self.path,
            canonical_json=content,
            sha256=sha256_hex(content),
            description=description,
            age_range=age_range,
            estimated_minutes=minutes,
            consent=consent,
            design_variables=design,
            min_seconds=min_seconds,
            helplines=helplines,
            changes=changes,
        )

    def age_range(self, data: Any) -> tuple[int | None, int | None]:
        if data is None:
            return (None, None)
        if (
            not isinstance(data, list)
            or len(data) != 2
            or any(v is not None and (not isinstance(v, int) or isinstance(v, bool)) for v in data)
        ):
            self.error(("age_range",), None, "age_range must be [min, max] with integers or null", "e.g. [18, null]")
            return (None, None)
        low, high = data
        if low is not None and high is not None and low > high:
            self.error(("age_range",), None, f"age_range min {low} is larger than max {high}", "swap them")
        return (low, high)

    def languages(self, data: Any) -> tuple[str, ...]:
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            self.error(("languages",), None, "languages must be a list such as [kk, ru, en]", "")
            return ("kk", "ru")
        for lang in data:
            if lang not in LANGUAGES:
                self.error(("languages",), None, f"unknown language {lang!r}", "languages are kk, ru, en")
        for lang in ("kk", "ru"):
            if lang not in data:
                self.error(
                    ("languages",),
                    None,
                    f"languages must include {lang}",
                    "Kazakh and Russian are required for every instrument",
                )
        return tuple(data)

    def consent(self, data: Any, population: Any) -> Consent | None:
        if not isinstance(data, dict):
            if data is not None:
                self.error(("consent",), None, "consent must be a mapping with mode and text", "")
            return None
        self.check_keys(("consent",), data, ("mode", "parental_consent", "text"), None, "consent")
        mode = data.get("mode")
        if mode not in CONSENT_MODES:
            self.error(
                ("consent", "mode"), None, f"unknown consent mode {mode!r}", f"one of: {', '.join(CONSENT_MODES)}"
            )
        parental = data.get("parental_consent")
        if mode == "child_assent" and parental not in PARENTAL_CONSENT:
            self.error(
                ("consent", "parental_consent"),
                None,
                f"child_assent needs parental_consent: passive or active, got {parental!r}",
                "passive = parents may opt out; active = signed consent in advance",
            )
        if mode == "adult" and parental is not None:
            self.error(
                ("consent", "parental_consent"),
                None,
                "parental_consent is only for child_assent",
                "remove it, or use mode: child_assent",
            )
        if population == "pupils" and mode != "child_assent":
            self.error(
                ("consent", "mode"),
                None,
                "pupils are asked for assent, not adult consent",
                "write mode: child_assent and parental_consent: passive | active",
            )
        text = self.text(("consent", "text"), data.get("text"), None, "consent text")
        return Consent(str(mode), text or LocalizedText(), parental if isinstance(parental, str) else None)

    def quality(self, data: Any) -> int | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            self.error(("quality",), None, "quality must be a mapping", "e.g. quality: {min_seconds: 240}")
            return None
        self.check_keys(("quality",), data, ("min_seconds",), None, "quality")
        seconds = data.get("min_seconds")
        if seconds is not None and (not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 1):
            self.error(("quality", "min_seconds"), None, "min_seconds must be a positive integer", "e.g. 240")
            return None
        return seconds

    def helplines(self, data: Any) -> tuple[Helpline, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            self.error(("helplines",), None, "helplines must be a list", '- {phone: "111", name: {kk: ..., ru: ...}}')
            return ()
        result = []
        for index, raw in enumerate(data):
            path: Path_ = ("helplines", index)
            if not isinstance(raw, dict):
                self.error(path, None, "a helpline must be a mapping with phone and name", "")
                continue
            self.check_keys(path, raw, ("phone", "name"), None, "a helpline")
            phone = raw.get("phone")
            if not isinstance(phone, str | int) or isinstance(phone, bool):
                self.error((*path, "phone"), None, "helpline phone is missing", 'write phone: "111" (in quotes)')
                continue
            name = self.text((*path, "name"), raw.get("name"), None, f"name of helpline {phone}")
            result.append(Helpline(str(phone), name or LocalizedText()))
        return tuple(result)

    def design_variables(self, data: Any) -> tuple[DesignVariable, ...]:
        if data is None:
            return ()
        if not isinstance(data, dict):
            self.error(("design_variables",), None, "design_variables must be a mapping", "")
            return ()
        result = []
        for name, raw in data.items():
            path: Path_ = ("design_variables", name)
            if self.check_code(path, name, None, "design variable") is None:
                continue
            if not isinstance(raw, dict):
                self.error(path, None, f"design variable {name!r} must be a mapping", "e.g. {source: invitation}")
                continue
            self.check_keys(path, raw, ("source", "item", "groups", "param"), None, f"design variable {name!r}")
            source = raw.get("source")
            if source not in DESIGN_SOURCES:
                self.error(
                    (*path, "source"),
                    None,
                    f"unknown source {source!r} of design variable {name!r}",
                    f"one of: {', '.join(DESIGN_SOURCES)}",
                )
                continue
            item = raw.get("item")
            if source == "item" and not isinstance(item, str):
                self.error(
                    path,
                    None,
                    f"design variable {name!r} has source: item but no item:",
                    "name the item that asks it, e.g. item: region",
                )
                continue
            if source != "item" and item is not None:
                self.error((*path, "item"), None, f"item: is only for source: item (design variable {name!r})", "")
            groups = self.groups((*path, "groups"), raw.get("groups"), name)
            param = raw.get("param")
            if source == "link":
                param = param if isinstance(param, str) else name
            result.append(DesignVariable(name, source, item if source == "item" else None, param, groups))
        return tuple(result)

    def groups(self, path: Path_, data: Any, name: str) -> tuple[tuple[int | float | None, int | float | None], ...]:
        if data is None:
            return ()
        ok = isinstance(data, list) and all(
            isinstance(g, list) and len(g) == 2 and all(v is None or _is_number(v) for v in g) for g in data
        )
        if not ok:
            self.error(
                path, None, f"groups of {name!r} must be a list of [min, max] pairs", "e.g. [[18, 29], [30, null]]"
            )
            return ()
        groups = [tuple(g) for g in data]
        previous_high: float | None = None
        for index, (low, high) in enumerate(groups):
            if low is not None and high is not None and low > high:
                self.error(path, None, f"group {index + 1} of {name!r} has min > max", "write [min, max]")
            if index and (previous_high is None or low is None or low <= previous_high):
                self.error(
                    path,
                    None,
                    f"groups of {name!r} overlap or are not ascending",
                    "each group must start above the end of the previous one",
                )
                break
            previous_high = high
        return tuple((g[0], g[1]) for g in groups)

    # --- sections and items -----------------------------------------------------------------------

    def sections(self, data: Any) -> list[Section]:
        if not isinstance(data, list) or not data:
            if data is not None:
                self.error(("sections",), None, "sections must be a non-empty list", "")
            return []
        result = []
        for index, raw in enumerate(data):
            path: Path_ = ("sections", index)
            if not isinstance(raw, dict):
                self.error(path, None, "a section must be a mapping with code, title and items", "")
                continue
            self.check_keys(path, raw, ("code", "title", "relevant", "items"), raw.get("code"), "a section")
            code = self.check_code((*path, "code"), raw.get("code"), None, "section")
            if code is None:
                continue
            if code in self.source.sections or code in self.item_codes:
                self.error(
                    (*path, "code"),
                    code,
                    f"duplicate code {code!r}",
                    "section and item codes must be unique within a version",
                )
                continue
            self.source.sections[code] = path
            title = self.text((*path, "title"), raw.get("title"), code, f"title of section {code!r}")
            relevant = self.expression((*path, "relevant"), raw.get("relevant"), code)
            raw_items = raw.get("items")
            if not isinstance(raw_items, list) or not raw_items:
                self.error(path, code, f"section {code!r} has no items", "add items: [...]")
                raw_items = []
            items = [it for i, r in enumerate(raw_items) if (it := self.item((*path, "items", i), r, code))]
            result.append(Section(code, title or LocalizedText(), tuple(items), relevant, self.doc.line(path)))
        return result

    def item(self, path: Path_, raw: Any, section: str) -> Item | None:
        if not isinstance(raw, dict):
            self.error(path, None, "an item must be a mapping with code, type and label", "")
            return None
        code = self.check_code((*path, "code"), raw.get("code"), None, "item")
        if code is None:
            return None
        if code in self.item_codes or code in self.source.sections:
            self.error(
                (*path, "code"),
                code,
                f"duplicate item code {code!r}",
                "every item needs its own code; a changed meaning is a new code",
            )
            return None
        self.item_codes.add(code)
        self.source.items[code] = path
        type_name = raw.get("type")
        qtype = QUESTION_TYPES.get(type_name) if isinstance(type_name, str) else None
        if qtype is None:
            hint = suggest(str(type_name), QUESTION_TYPES) or f"types: {', '.join(QUESTION_TYPES)}"
            self.error((*path, "type"), code, f"unknown type {type_name!r}", hint)
            self.source.broken_items.add(code)
            return None
        self.check_keys(path, raw, qtype.allowed_keys, code, f"a {type_name} item")

        def text(key: str, required: bool = False) -> LocalizedText | None:
            return self.text((*path, key), raw.get(key), code, f"{key} of {code!r}", required=required)

        label = text("label", required=qtype.shown)
        hint = text("hint") if "hint" in raw else None
        required = raw.get("required", False)
        if not isinstance(required, bool):
            self.error((*path, "required"), code, f"required must be true or false, got {required!r}", "")
            required = False
        if required and not qtype.has_answer:
            self.warn((*path, "required"), code, "a note cannot be required", "remove required:")
        constraint = self.expression((*path, "constraint"), raw.get("constraint"), code)
        message = text("constraint_message") if "constraint_message" in raw else None
        if raw.get("constraint") is not None and message is None:
            self.error(
                (*path, "constraint"),
                code,
                "constraint has no constraint_message",
                "add constraint_message: {kk: ..., ru: ...} telling the respondent what to fix",
            )
        choices = None
        if qtype.uses_choices and raw.get("choices") is not None:
            choices = self.item_choices((*path, "choices"), raw.get("choices"), code)
            if choices is None:
                self.source.broken_items.add(code)
        rows = self.rows((*path, "rows"), raw.get("rows"), code) if "rows" in raw else ()
        choice_filter = raw.get("choice_filter")
        if choice_filter is not None and not isinstance(choice_filter, str):
            self.error(
                (*path, "choice_filter"),
                code,
                "choice_filter must be the code of an earlier item",
                "e.g. choice_filter: region",
            )
            choice_filter = None
        numbers = {}
        for key in ("min_choices", "max_choices", "max_length"):
            value = raw.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                self.error((*path, key), code, f"{key} must be an integer, got {value!r}", "")
                value = None
            numbers[key] = value
        links = {}
        for key in ("renamed_from", "replaces"):
            value = raw.get(key)
            if value is not None and (not isinstance(value, str) or not CODE_RE.match(value)):
                self.error((*path, key), code, f"{key} must be the code of an item in an earlier version", "")
                value = None
            links[key] = value
        item = Item(
            code=code,
            type=qtype.name,
            section=section,
            line=self.doc.line(path),
            label=label or LocalizedText(),
            hint=hint,
            required=required,
            relevant=self.expression((*path, "relevant"), raw.get("relevant"), code),
            constraint=constraint,
            constraint_message=message,
            choices=choices,
            choice_filter=choice_filter,
            calculation=self.expression((*path, "calculation"), raw.get("calculation"), code),
            rows=rows,
            min=raw.get("min"),
            max=raw.get("max"),
            min_choices=numbers["min_choices"],
            max_choices=numbers["max_choices"],
            max_length=numbers["max_length"],
            renamed_from=links["renamed_from"],
            replaces=links["replaces"],
        )
        if qtype.uses_choices and raw.get("choices") is not None and choices is None:
            return item
        for issue in qtype.check(item):
            self.error((*path, issue.key) if issue.key else path, code, f"{type_name} item {issue.message}", issue.hint)
        return item

    def item_choices(self, path: Path_, data: Any, code: str) -> ChoiceList | None:
        if isinstance(data, str):
            found = self.lists.get(data)
            if found is None:
                if data in self.source.lists:
                    return None  # the list itself is broken and already reported
                hint = suggest(data, self.lists) or (
                    f"define it under choice_lists: or use one of: {', '.join(sorted(self.lists))}"
                    if self.lists
                    else "define it under choice_lists:"
                )
                if data in self.shared:
                    hint = f"add `{data}: {{include: {data}}}` under choice_lists:"
                self.error(path, code, f"unknown choice list {data!r}", hint)
            return found
        return self.choice_list(path, data, code, code)

    def rows(self, path: Path_, data: Any, code: str) -> tuple[MatrixRow, ...]:
        if not isinstance(data, list):
            self.error(path, code, "rows must be a list of {code, label}", "")
            return ()
        rows: list[MatrixRow] = []
        for index, raw in enumerate(data):
            row_path: Path_ = (*path, index)
            if not isinstance(raw, dict):
                self.error(row_path, code, "a matrix row must be a mapping with code and label", "")
                continue
            self.check_keys(row_path, raw, ("code", "label"), code, "a matrix row")
            row_code = self.check_code((*row_path, "code"), raw.get("code"), code, "row")
            if row_code is None:
                continue
            if any(row.code == row_code for row in rows):
                self.error(
                    (*row_path, "code"), code, f"row code {row_code!r} appears twice", "give each row its own code"
                )
                continue
            label = self.text((*row_path, "label"), raw.get("label"), code, f"label of row {row_code!r}")
            rows.append(MatrixRow(row_code, label or LocalizedText(), self.doc.line(row_path)))
        return tuple(rows)


def build_version(path: Path, document: Document, shared: dict[str, SharedList], display: str) -> BuildResult:
    builder = _Builder(path, document, shared, display)
    version = builder.build()
    return BuildResult(version, builder.problems, builder.source)


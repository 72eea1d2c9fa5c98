"""The checks of one version that look across items: references in expressions, cascades, design
variables, export columns and unused lists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ..build import SourceMap, closest, suggest
from ..choice_filters import CHOICE
from ..expression import Apply, Call, Current, Expression, Literal, Name, Node, walk
from ..model import Item, QuestionnaireVersion, Section
from ..problem import Problem, Severity, message_params
from ..question_types import QUESTION_TYPES
from .reachability import can_be_true

_DESIGN_ITEM_TYPES: Final = tuple(name for name, qtype in QUESTION_TYPES.items() if qtype.design_source)


@dataclass(frozen=True, slots=True)
class _Rule:
    owner: str  # item or section code
    key: str  # relevant | constraint | calculation
    expression: Expression
    position: int  # index of the owner among items; sections use the index of their first item


class Checker:
    def __init__(self, version: QuestionnaireVersion, source: SourceMap) -> None:
        self.version = version
        self.source = source
        self.problems: list[Problem] = []
        self.items = {item.code: item for item in version.items}
        self.order = {item.code: index for index, item in enumerate(version.items)}

    def error(
        self, owner: str | None, key: str | None, message: str, hint: str = "", message_key: str = "", **params: object
    ) -> None:
        line = self.source.item_line(owner, key) if owner else 1
        problem = Problem(self.source.file, line, owner, message, hint, key=message_key, params=message_params(params))
        self.problems.append(problem)

    def warn(self, line: int, owner: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.source.file, line, owner, message, hint, Severity.WARNING))

    # --- expressions ------------------------------------------------------------------------------

    def rules(self) -> Iterator[_Rule]:
        index = 0
        for section in self.version.sections:
            if section.relevant:
                yield _Rule(section.code, "relevant", section.relevant, index)
            for item in section.items:
                for key in ("relevant", "constraint", "calculation", "choice_condition"):
                    expression = getattr(item, key)
                    if expression is not None:
                        yield _Rule(item.code, "choice_filter" if key == "choice_condition" else key, expression, index)
                index += 1

    def check_expressions(self) -> None:
        for rule in self.rules():
            if rule.expression.uses_current and rule.key != "constraint":
                self.error(
                    rule.owner,
                    rule.key,
                    f"{rule.key} uses '.', which only means something in a constraint",
                    "name the item instead",
                )
            unquoted = self.unquoted_codes(rule)
            aggregated = self.check_repeat_references(rule)
            for name in rule.expression.names():
                if name not in unquoted and name.code not in self.repeat_sections:
                    self.check_name(rule, name)
                elif name.code in self.repeat_sections and name not in aggregated:
                    self.error(
                        rule.owner,
                        rule.key,
                        f"{rule.key} uses repeat {name.code!r} as a value",
                        f"count({name.code}) gives its number of instances; "
                        f"indexed_repeat(item, {name.code}, 1) one instance's answer",
                    )
            for call in rule.expression.calls():
                self.check_call(rule, call)
            self.check_choice_names(rule)
            for op, left, right in rule.expression.comparisons():
                self.check_comparison(rule, op, left, right)
                self.check_comparison(rule, op, right, left)

    def check_choice_names(self, rule: _Rule) -> None:
        """choice_name(value, q) gives a label of q's choices: q must have some."""
        for node in walk(rule.expression.node):
            if not (isinstance(node, Apply) and node.function == "choice_name" and isinstance(node.args[1], Name)):
                continue
            item = self.items.get(node.args[1].code)
            if item is not None and item.choices is None:
                self.error(
                    rule.owner,
                    rule.key,
                    f"choice_name() reads the choices of {item.code!r}, which has none",
                    "name a single_choice, multiple_choice, scale or rank question",
                )

    @property
    def repeat_sections(self) -> dict[str, Section]:
        return {section.code: section for section in self.version.repeats}

    def check_repeat_references(self, rule: _Rule) -> set[Name]:
        """Names that count(), sum() and indexed_repeat() read over a repeat's instances. A rule outside a
        repeat that names one of its items bare would read no single instance: said, with the way to write it."""
        aggregated: set[Name] = set()
        for node in walk(rule.expression.node):
            if isinstance(node, Apply) and node.function in ("count", "sum", "indexed_repeat"):
                named = node.args[:2] if node.function == "indexed_repeat" else node.args[:1]
                aggregated.update(arg for arg in named if isinstance(arg, Name))
                if node.function == "indexed_repeat" and not (
                    isinstance(node.args[1], Name) and node.args[1].code in self.repeat_sections
                ):
                    self.error(
                        rule.owner,
                        rule.key,
                        "indexed_repeat() takes a repeat as its second argument",
                        "indexed_repeat(age, members, 1)",
                    )
        owner_repeat = self.version.repeat_of(rule.owner) or self.repeat_sections.get(rule.owner)
        for name in rule.expression.names():
            repeat = self.version.repeat_of(name.code)
            if repeat is not None and repeat is not owner_repeat and name not in aggregated:
                self.error(
                    rule.owner,
                    rule.key,
                    f"{rule.key} refers to {name.code!r}, asked once per instance of repeat {repeat.code!r}",
                    f"use sum({name.code}), count({repeat.code}) or indexed_repeat({name.code}, {repeat.code}, 1)",
                )
        return aggregated

    def check_repeats(self) -> None:
        """A repeat's count reads an earlier number (asked once, not in a repeat); its items' rules stay inside."""
        for section in self.version.repeats:
            assert section.repeat is not None
            count = section.repeat.count
            if not isinstance(count, Expression):
                continue
            first = self.order.get(section.items[0].code, 0) if section.items else 0
            for name in count.names():
                item = self.items.get(name.code)
                hint = "count: household_size, where household_size is an integer asked on an earlier page"
                if item is None:
                    self.error(section.code, "repeat", f"repeat count refers to unknown item {name.code!r}", hint)
                elif self.order[name.code] >= first:
                    self.error(
                        section.code,
                        "repeat",
                        f"repeat count refers to {name.code!r}, which is not asked before the repeat",
                        hint,
                    )
                elif self.version.repeat_of(name.code) is not None:
                    self.error(
                        section.code,
                        "repeat",
                        f"repeat count refers to {name.code!r}, which is itself in a repeat",
                        hint,
                    )
                elif QUESTION_TYPES[item.type].value_kind != "number" and item.type != "calculate":
                    self.error(
                        section.code, "repeat", f"repeat count refers to {name.code!r}, which is not a number", hint
                    )

    def check_name(self, rule: _Rule, name: Name) -> None:
        code = name.code
        if code in self.source.broken_items:
            return
        if rule.key == "choice_filter" and code == CHOICE:
            self.check_choice_column(rule, name)
            return
        item = self.items.get(code)
        if item is None:
            hint = "it is not an item of this version"
            suggestion = suggest(code, self.items)
            self.error(
                rule.owner,
                rule.key,
                f"{rule.key} refers to unknown item {code!r}",
                suggestion or hint,
                "unknown_item",
                rule=rule.key,
                code=code,
                suggestion=closest(code, self.items),
            )
            return
        if code == rule.owner:
            hint = (
                "use '.' for the item's own answer" if rule.key == "constraint" else "an item cannot depend on itself"
            )
            if rule.key != "constraint":
                self.error(rule.owner, rule.key, f"{rule.key} refers to the item itself", hint)
            return
        if self.order[code] >= rule.position and rule.owner not in self.version_section_codes():
            self.error(
                rule.owner,
                rule.key,
                f"{rule.key} refers to {code!r}, which comes later",
                "a rule can only use answers given before it; move the item or the rule",
            )
            return
        if rule.owner in self.version_section_codes() and self.order[code] >= rule.position:
            self.error(
                rule.owner,
                rule.key,
                f"relevant of section {rule.owner!r} refers to {code!r}, which is on this page or later",
                "a page's rule can only use answers from earlier pages",
            )
            return
        if not QUESTION_TYPES[item.type].has_answer:
            self.error(rule.owner, rule.key, f"{rule.key} refers to note {code!r}, which has no answer", "")
        if name.row is not None:
            if QUESTION_TYPES[item.type].value_kind != "rows":
                self.error(
                    rule.owner, rule.key, f"{name.ref!r}: {code!r} is not a matrix, it has no rows", f"write {code}"
                )
            elif item.row(name.row) is None:
                self.error(
                    rule.owner,
                    rule.key,
                    f"{name.ref!r}: matrix {code!r} has no row {name.row!r}",
                    f"rows: {', '.join(r.code for r in item.rows)}",
                )

    def unquoted_codes(self, rule: _Rule) -> set[Name]:
        """selected(q, yes) where `yes` is no item but a choice of q: a forgotten pair of quotes, said as such."""
        found = set()
        for node in walk(rule.expression.node):
            if not (isinstance(node, Apply) and node.function == "selected"):
                continue
            target, code = node.args
            item = self.target_item(rule, target) if isinstance(target, Name | Current) else None
            if (
                isinstance(code, Name)
                and code.row is None
                and code.code not in self.items
                and item is not None
                and item.choices is not None
                and code.code in item.choices.codes
            ):
                found.add(code)
                self.error(rule.owner, rule.key, f"{rule.key}: {code.code!r} in selected() is not quoted",
                           f"write selected(..., '{code.code}')")  # fmt: skip
        return found

    def check_choice_column(self, rule: _Rule, name: Name) -> None:
        item = self.items[rule.owner]
        if item.choices is None:
            return
        columns = {"name", "code", "parent"} | {column for c in item.choices.choices for column, _ in c.columns}
        if name.row is None:
            self.error(rule.owner, rule.key, "choice_filter reads 'choice' without a column",
                       f"write choice.<column>; columns: {', '.join(sorted(columns))}")  # fmt: skip
        elif name.row not in columns:
            self.error(
                rule.owner,
                rule.key,
                f"choice_filter reads choice.{name.row}, but no choice of list {item.choices.name!r} has that column",
                suggest(name.row, columns) or f"columns: {', '.join(sorted(columns))}",
            )

    _section_codes: frozenset[str] | None = None

    def version_section_codes(self) -> frozenset[str]:
        if self._section_codes is None:
            self._section_codes = frozenset(section.code for section in self.version.sections)
        return self._section_codes

    def target_item(self, rule: _Rule, target: Name | Current) -> Item | None:
        code = rule.owner if isinstance(target, Current) else target.code
        return self.items.get(code)

    def check_call(self, rule: _Rule, call: Call) -> None:
        item = self.target_item(rule, call.target)
        if item is None or item.code in self.source.broken_items:
            return
        target = "." if isinstance(call.target, Current) else call.target.ref
        is_row = isinstance(call.target, Name) and call.target.row is not None
        kind = QUESTION_TYPES[item.type].value_kind
        if call.function in ("selected", "count_selected"):
            if kind not in ("code", "codes", "rows"):
                self.error(
                    rule.owner,
                    rule.key,
                    f"{call.function}({target}) needs a choice item, but {item.code!r} is {item.type}",
                    "compare the value instead, e.g. age >= 18",
                )
                return
            if kind == "rows" and not is_row and call.function == "selected":
                self.error(
                    rule.owner,
                    rule.key,
                    f"selected() on matrix {item.code!r} needs a row",
                    f"write selected({item.code}.<row>, '{call.code}')",
                )
                return
        if call.function == "selected" and item.choices is not None and call.code not in item.choices.codes:
            self.error(
                rule.owner,
                rule.key,
                f"selected({target}, '{call.code}'): {call.code!r} is not a choice of {item.code!r}",
                suggest(str(call.code), item.choices.codes) or f"choices: {', '.join(item.choices.codes)}",
            )

    def check_comparison(self, rule: _Rule, op: str, side: Node, other: Node) -> None:
        if not isinstance(other, Literal) or not isinstance(side, Name | Current):
            return
        item = self.target_item(rule, side)
        if item is None or item.code in self.source.broken_items:
            return
        is_row = isinstance(side, Name) and side.row is not None
        kind = "code" if is_row else QUESTION_TYPES[item.type].value_kind
        shown = "." if isinstance(side, Current) else side.ref
        value = other.value
        if kind == "codes":
            self.error(
                rule.owner,
                rule.key,
                f"{shown} is a multiple choice; '{op}' never matches a list",
                f"use selected({shown}, 'code') or count_selected({shown})",
            )
        elif kind == "rows":
            self.error(rule.owner, rule.key, f"{shown} is a matrix; compare one row", f"write {shown}.<row>")
        elif kind == "code":
            if not isinstance(value, str):
                self.error(
                    rule.owner,
                    rule.key,
                    f"{shown} is a choice item; its answer is a code, not {value!r}",
                    f"compare with a quoted code, e.g. {shown} = 'code', or use selected()",
                )
            elif item.choices is not None and value not in item.choices.codes:
                self.error(
                    rule.owner,
                    rule.key,
                    f"{value!r} is not a choice of {item.code!r}",
                    f"choices: {', '.join(item.choices.codes)}",
                )
            elif op not in ("=", "!="):
                self.error(
                    rule.owner,
                    rule.key,
                    f"choice codes cannot be ordered ({shown} {op} {value!r})",
                    "list the codes with selected(...) or ... instead",
                )
        elif kind == "number" and not isinstance(value, int | float):
            self.error(
                rule.owner,
                rule.key,
                f"{shown} is a number; comparing it with {value!r} is never true",
                "write the number without quotes",
            )
        elif kind in ("text", "date") and not isinstance(value, str):
            self.error(rule.owner, rule.key, f"{shown} is {item.type}; compare it with a quoted value", "")

    # --- other cross-item rules -------------------------------------------------------------------

    def check_choice_filters(self) -> None:
        for item in self.version.items:
            if item.choice_condition is not None:
                self.check_choice_condition(item, item.choice_condition)
            if item.choice_filter is None:
                continue
            parent = self.items.get(item.choice_filter)
            if parent is None:
                self.error(
                    item.code,
                    "choice_filter",
                    f"choice_filter names unknown item {item.choice_filter!r}",
                    "name an earlier single_choice item, e.g. region",
                )
                continue
            if self.order[parent.code] >= self.order[item.code]:
                self.error(
                    item.code,
                    "choice_filter",
                    f"choice_filter item {parent.code!r} comes later",
                    "the filtering item must be asked first",
                )
                continue
            if not QUESTION_TYPES[parent.type].cascade_parent or parent.choices is None:
                self.error(item.code, "choice_filter", f"choice_filter item {parent.code!r} is not a single_choice", "")
                continue
            if item.choices is None:
                continue
            codes = set(parent.choices.codes)
            for choice in item.choices.choices:
                if choice.parent is None:
                    self.error(
                        item.code,
                        "choices",
                        f"choice {choice.code!r} has no parent, but the item is filtered by {parent.code!r}",
                        f"add parent: <a code of {parent.choices.name}>",
                    )
                elif choice.parent not in codes:
                    self.error(
                        item.code,
                        "choices",
                        f"parent {choice.parent!r} of choice {choice.code!r} is not a choice of {parent.code!r}",
                        f"parents must be codes of list {parent.choices.name!r}",
                    )
            orphans = codes - {c.parent for c in item.choices.choices} - set(parent.choices.special_codes)
            # A parent without children only matters if the item can be shown after that answer.
            section = next(s for s in self.version.sections if s.code == item.section)
            rules = [rule for rule in (section.relevant, item.relevant) if rule is not None]
            orphans = {
                code
                for code in orphans
                if can_be_true([*rules, Expression.parse(f"{parent.code} = '{code}'")], self.items, set())
            }
            if orphans:
                self.error(
                    item.code,
                    "choices",
                    f"no choice for {', '.join(sorted(orphans))} of {parent.code!r}: "
                    "those respondents would see an empty list",
                    "add at least one choice per parent",
                )

    def check_design_variables(self) -> None:
        for variable in self.version.design_variables:
            if variable.source != "item" or variable.item is None:
                continue
            path = ("design_variables", variable.name, "item")
            item = self.items.get(variable.item)
            if item is None:
                self.problems.append(
                    Problem(
                        self.source.file,
                        self.source.line(path),
                        variable.name,
                        f"design variable {variable.name!r} names unknown item {variable.item!r}",
                        "name an item of this version",
                    )
                )
            elif item.type not in _DESIGN_ITEM_TYPES:
                self.problems.append(
                    Problem(
                        self.source.file,
                        self.source.line(path),
                        variable.name,
                        f"design variable {variable.name!r} cannot come from {item.type} item {item.code!r}",
                        f"use one of: {', '.join(_DESIGN_ITEM_TYPES)}",
                    )
                )
            elif variable.groups and not QUESTION_TYPES[item.type].design_groups:
                self.problems.append(
                    Problem(
                        self.source.file,
                        self.source.line(path),
                        variable.name,
                        f"groups need a numeric item, {item.code!r} is {item.type}",
                        "drop groups: (the item's choices are the groups)",
                    )
                )

    def check_columns(self) -> None:
        seen: dict[str, str] = {}
        for item in self.version.items:
            for column in QUESTION_TYPES[item.type].export_columns(item):
                owner = seen.get(column)
                if owner is not None and owner != item.code:
                    self.error(
                        item.code,
                        "code",
                        f"export column {column!r} of {item.code!r} clashes with {owner!r}",
                        "rename one of the items (or the choice/row)",
                    )
                seen[column] = item.code

    def check_unused_lists(self) -> None:
        used = {item.choices.name for item in self.version.items if item.choices is not None}
        for name, path in self.source.lists.items():
            if name not in used:
                self.warn(
                    self.source.line(path), None, f"choice list {name!r} is not used by any item", "remove it or use it"
                )

    def check_choice_condition(self, item: Item, condition: Expression) -> None:
        if item.choices is None:
            if item.code not in self.source.broken_items:
                self.error(item.code, "choice_filter", "choice_filter on an item without choices", "")
            return
        if CHOICE in self.items:
            self.error(CHOICE, None, f"an item is called {CHOICE!r}, which choice_filter reads as the choice tried",
                       "rename the item")  # fmt: skip
        if not any(name.code == CHOICE for name in condition.names()):
            self.error(
                item.code,
                "choice_filter",
                "choice_filter never reads the choice, so it keeps all choices or none",
                "compare a choice column with an answer, e.g. choice.region = region",
            )

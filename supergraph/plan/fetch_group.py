"""A fetch under construction: its subgraph, merge path, dependencies and selections."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from graphql import print_ast
from graphql.language import (
    ArgumentNode,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    SelectionSetNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
)
from graphql.language import FieldNode as AstField

from supergraph.plan.graph import SupergraphIndex
from supergraph.plan.nodes import FetchNode, RequiredField, RequiredFragment, RequiredSelection
from supergraph.plan.operation import Conditions

_ENTITIES = "_entities(representations:$representations)"


def argument_alias(name: str, arguments: tuple[ArgumentNode, ...] | list[ArgumentNode]) -> str:
    """The response key a required field with arguments is fetched under: one per argument set,
    so two requirements of one field with other arguments (or a client field) never share it."""
    text = ",".join(print_ast(a) for a in arguments)
    return f"{name}__internal_{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def argument_signatures(selection_set: SelectionSetNode) -> dict[tuple[str, ...], str]:
    """Path of field names -> printed arguments, for every field with arguments in a set."""
    out: dict[tuple[str, ...], str] = {}

    def walk(node: SelectionSetNode, path: tuple[str, ...]) -> None:
        for selection in node.selections:
            if isinstance(selection, AstField):
                here = (*path, selection.name.value)
                if selection.arguments:
                    out[here] = ",".join(print_ast(a) for a in selection.arguments)
                if selection.selection_set is not None:
                    walk(selection.selection_set, here)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, path)

    walk(selection_set, ())
    return out


@dataclass(slots=True, eq=False)
class FieldSel:
    alias: str | None
    name: str
    arguments: tuple[ArgumentNode, ...] = ()
    conditions: Conditions = ()
    sub: Selections | None = None


@dataclass(slots=True, eq=False)
class FragmentSel:
    type_condition: str
    sub: Selections


class Selections:
    """An ordered selection set of a subgraph operation, merged as it grows."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        self.entries: dict[str, FieldSel | FragmentSel] = {}

    def field(
        self,
        key: str,
        name: str,
        arguments: tuple[ArgumentNode, ...] = (),
        conditions: Conditions = (),
        composite: bool = False,
    ) -> FieldSel:
        entry = self.entries.get(key)
        if isinstance(entry, FieldSel):
            if entry.conditions != conditions:
                entry.conditions = ()  # selected both with and without a condition
            if composite and entry.sub is None:
                entry.sub = Selections()
            return entry
        created = FieldSel(
            key if key != name else None,
            name,
            arguments,
            conditions,
            Selections() if composite else None,
        )
        if name == "__typename" and key == name:
            self.entries = {key: created, **self.entries}
        else:
            self.entries[key] = created
        return created

    def fragment(self, type_condition: str) -> Selections:
        entry = self.entries.get("..." + type_condition)
        if isinstance(entry, FragmentSel):
            return entry.sub
        created = FragmentSel(type_condition, Selections())
        self.entries["..." + type_condition] = created
        return created.sub

    def merge(self, other: Selections) -> None:
        """Add every selection of `other` (used when two fetches become one)."""
        for key, entry in other.entries.items():
            if isinstance(entry, FragmentSel):
                self.fragment(entry.type_condition).merge(entry.sub)
                continue
            mine = self.field(
                key, entry.name, entry.arguments, entry.conditions, entry.sub is not None
            )
            if entry.sub is not None and mine.sub is not None:
                mine.sub.merge(entry.sub)

    def print(self) -> str:
        parts: list[str] = []
        for entry in self.entries.values():
            if isinstance(entry, FragmentSel):
                if entry.sub.entries:
                    parts.append(f"...on {entry.type_condition}{entry.sub.print()}")
                continue
            text = f"{entry.alias}:{entry.name}" if entry.alias else entry.name
            if entry.arguments:
                text += (
                    "("
                    + ",".join(f"{a.name.value}:{_value(a.value)}" for a in entry.arguments)
                    + ")"
                )
            for variable, keep_when in entry.conditions:
                text += f"@{'include' if keep_when else 'skip'}(if:${variable})"
            if entry.sub is not None:
                text += entry.sub.print() if entry.sub.entries else "{__typename}"
            parts.append(text)
        return "{" + " ".join(parts) + "}"

    def variables(self, out: dict[str, None]) -> None:
        for entry in self.entries.values():
            if isinstance(entry, FieldSel):
                for argument in entry.arguments:
                    _variables(argument.value, out)
                for variable, _ in entry.conditions:
                    out[variable] = None
            if entry.sub is not None:
                entry.sub.variables(out)


def _value(value: ValueNode) -> str:
    return print_ast(value)


def _variables(value: ValueNode, out: dict[str, None]) -> None:
    if isinstance(value, VariableNode):
        out[value.name.value] = None
    elif isinstance(value, ListValueNode):
        for item in value.values:
            _variables(item, out)
    elif isinstance(value, ObjectValueNode):
        for object_field in value.fields:
            _variables(object_field.value, out)


@dataclass(slots=True, eq=False)
class FetchGroup:
    """One future FetchNode. Entity groups hang at `path` and wait for `deps` to finish."""

    id: int
    service: str
    kind: str  # "query" or "mutation"
    path: tuple[str, ...] = ()
    entity: bool = False
    # ancestors above `path` entered through a type condition: (depth, types, all possible)
    typed: tuple[tuple[int, frozenset[str], frozenset[str]], ...] = ()
    deps: frozenset[int] = frozenset()
    selections: Selections = field(default_factory=Selections)
    # representation type -> (key and @requires selections, possible runtime types)
    requires: dict[str, tuple[list[SelectionSetNode], frozenset[str]]] = field(default_factory=dict)
    # representation type -> {field name: key it has in merged data} where they differ
    required_aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    representation_typename: str | None = None
    # conditions of each top-level selection: a group whose every selection shares them is
    # wrapped in a ConditionNode
    entry_conditions: list[Conditions] = field(default_factory=list)

    def add_requirement(
        self,
        type_condition: str,
        fields: SelectionSetNode,
        possible: frozenset[str],
        aliases: dict[str, str] | None = None,
    ) -> None:
        if aliases:
            self.required_aliases.setdefault(type_condition, {}).update(aliases)
        entry = self.requires.get(type_condition)
        if entry is None:
            self.requires[type_condition] = ([fields], possible)
            return
        if fields not in entry[0]:
            entry[0].append(fields)
        if not possible <= entry[1]:
            self.requires[type_condition] = (entry[0], entry[1] | possible)

    def conflicts_with(self, sets: list[SelectionSetNode]) -> bool:
        """Whether `sets` ask a field this group's requirements ask with other arguments."""
        mine: dict[tuple[str, ...], str] = {}
        for own_sets, _ in self.requires.values():
            for own in own_sets:
                mine.update(argument_signatures(own))
        for other in sets:
            for path, arguments in argument_signatures(other).items():
                if mine.get(path, arguments) != arguments:
                    return True
        return False

    def common_conditions(self) -> Conditions:
        if not self.entry_conditions:
            return ()
        first = self.entry_conditions[0]
        return first if all(c == first for c in self.entry_conditions) else ()

    def to_fetch(
        self,
        definitions: dict[str, VariableDefinitionNode],
        index: SupergraphIndex,
    ) -> FetchNode:
        used: dict[str, None] = {}
        self.selections.variables(used)
        declared = [
            f"${name}:{print_ast(definitions[name].type)}"
            + (
                f"={print_ast(definitions[name].default_value)}"  # type: ignore[arg-type]
                if definitions[name].default_value
                else ""
            )
            for name in used
            if name in definitions
        ]
        usages = tuple(name for name in used if name in definitions)
        if self.entity:
            header = "query(" + ",".join(["$representations:[_Any!]!", *declared]) + ")"
            operation = f"{header}{{{_ENTITIES}{self.selections.print()}}}"
            requires = tuple(
                RequiredFragment(
                    type_condition,
                    (
                        RequiredField("__typename"),
                        *_aliased(
                            tuple(_required_fields(sets, type_condition, index, type_condition)),
                            self.required_aliases.get(type_condition, {}),
                        ),
                    ),
                    possible,
                )
                for type_condition, (sets, possible) in self.requires.items()
            )
            return FetchNode(
                service=self.service,
                operation=operation,
                variable_usages=usages,
                requires=requires,
                representation_typename=self.representation_typename,
                id=self.id,
            )
        header = self.kind + ("(" + ",".join(declared) + ")" if declared else "")
        return FetchNode(
            service=self.service,
            operation=header + self.selections.print(),
            operation_kind="mutation" if self.kind == "mutation" else "query",
            variable_usages=usages,
            id=self.id,
        )


def _aliased(
    selections: tuple[RequiredSelection, ...], aliases: dict[str, str]
) -> tuple[RequiredSelection, ...]:
    if not aliases:
        return selections
    return tuple(
        RequiredField(s.name, s.selections, aliases[s.name])
        if isinstance(s, RequiredField) and s.name in aliases and s.alias is None
        else s
        for s in selections
    )


def required_selections(
    sets: list[SelectionSetNode], type_name: str, index: SupergraphIndex
) -> tuple[RequiredSelection, ...]:
    """Key and @requires field sets as one representation selection, fields merged by name.

    Below an abstract type, fragments become one fragment per concrete type (with the fields
    of every fragment that applies to it), so a representation never nests fragments.
    """
    if not index.is_abstract(type_name):
        return tuple(_required_fields(sets, type_name, index, type_name))
    common = _required_fields(sets, type_name, index, type_name)
    names = {f.name for f in common}
    out: list[RequiredSelection] = [RequiredField("__typename"), *common]
    for runtime in index.possible_types(type_name):
        specific = [
            f for f in _required_fields(sets, runtime, index, runtime) if f.name not in names
        ]
        if specific:
            out.append(RequiredFragment(runtime, tuple(specific)))
    return tuple(out)


def _required_fields(
    sets: list[SelectionSetNode], type_name: str, index: SupergraphIndex, runtime: str
) -> list[RequiredField]:
    subs: dict[tuple[str, str | None], list[SelectionSetNode]] = {}

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, AstField):
                name = selection.name.value
                if name == "__typename":
                    continue
                # the planner fetches a required field with arguments under its own key
                alias = argument_alias(name, selection.arguments) if selection.arguments else None
                found = subs.setdefault((name, alias), [])
                if selection.selection_set is not None:
                    found.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    selection.type_condition.name.value if selection.type_condition else None
                )
                if index.applies(condition, runtime):
                    walk(selection.selection_set)

    for selection_set in sets:
        walk(selection_set)
    out: list[RequiredField] = []
    for (name, alias), nested in subs.items():
        if nested:
            child = index.field_type(type_name, name)
            out.append(RequiredField(name, required_selections(nested, child, index), alias))
        else:
            out.append(RequiredField(name, None, alias))
    return out

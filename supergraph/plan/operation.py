"""The client operation normalized: fragments inlined, literal @skip/@include applied.

A pipeline of small passes over graphql-core's AST produces a tree of `NField` and
`NFragment`; `collect` then merges the fields that apply to one type by response key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graphql.language import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

from supergraph.plan.errors import PlanningError

Conditions = tuple[tuple[str, bool], ...]


@dataclass(slots=True, eq=False)
class NField:
    """One field selection of the client (or one the planner needs, `internal`)."""

    key: str
    name: str
    arguments: tuple[ArgumentNode, ...] = ()
    conditions: Conditions = ()
    selections: list[NSelection] | None = None
    loc: int | None = None
    internal: bool = False

    @property
    def alias(self) -> str | None:
        return self.key if self.key != self.name else None


@dataclass(slots=True, eq=False)
class NFragment:
    type_condition: str | None
    conditions: Conditions
    selections: list[NSelection] = field(default_factory=list)


NSelection = NField | NFragment


def select_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        for operation in operations:
            if operation.name is not None and operation.name.value == name:
                return operation
        raise PlanningError(f"the document has no operation named {name!r}")
    if len(operations) != 1:
        raise PlanningError(
            "the document has several operations: give the operation name to run"
            if operations
            else "the document has no operation"
        )
    return operations[0]


def _conditions(directives: Iterable[DirectiveNode] | None) -> Conditions | None:
    """Variable conditions of @skip/@include; None when a literal drops the selection."""
    out: list[tuple[str, bool]] = []
    for directive in directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        value = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
        keep_when = name == "include"
        if isinstance(value, BooleanValueNode):
            if value.value is not keep_when:
                return None
        elif isinstance(value, VariableNode):
            out.append((value.name.value, keep_when))
    return tuple(out)


def normalize(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[NSelection]:
    return _normalize(selection_set, fragments, ())


def _normalize(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: tuple[str, ...],
) -> list[NSelection]:
    out: list[NSelection] = []
    for selection in selection_set.selections:
        conditions = _conditions(selection.directives)
        if conditions is None:
            continue
        if isinstance(selection, FieldNode):
            sub = (
                _normalize(selection.selection_set, fragments, seen)
                if selection.selection_set is not None
                else None
            )
            out.append(
                NField(
                    key=selection.alias.value if selection.alias else selection.name.value,
                    name=selection.name.value,
                    arguments=tuple(selection.arguments or ()),
                    conditions=conditions,
                    selections=sub,
                    loc=selection.loc.start if selection.loc is not None else None,
                )
            )
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            inner = _normalize(selection.selection_set, fragments, seen)
            out.append(NFragment(condition, conditions, inner))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            definition = fragments.get(name)
            if definition is None or name in seen:
                raise PlanningError(f"fragment {name!r} is unknown or spreads itself")
            inner = _normalize(definition.selection_set, fragments, (*seen, name))
            out.append(NFragment(definition.type_condition.name.value, conditions, inner))
    return out


def collect(
    selections: Iterable[NSelection], applies: Callable[[str | None], bool]
) -> list[NField]:
    """The fields that apply to one runtime type, merged by response key, in client order."""
    merged: dict[str, NField] = {}
    _collect(selections, applies, (), merged)
    return list(merged.values())


def _collect(
    selections: Iterable[NSelection],
    applies: Callable[[str | None], bool],
    conditions: Conditions,
    merged: dict[str, NField],
) -> None:
    for selection in selections:
        if isinstance(selection, NFragment):
            if applies(selection.type_condition):
                _collect(selection.selections, applies, conditions + selection.conditions, merged)
            continue
        field_ = selection
        if conditions:
            field_ = NField(
                field_.key,
                field_.name,
                field_.arguments,
                conditions + field_.conditions,
                field_.selections,
                field_.loc,
                field_.internal,
            )
        current = merged.get(field_.key)
        if current is None:
            merged[field_.key] = field_
            continue
        # Same response key twice: one field with both selection sets; a condition that
        # differs between the two can no longer hold alone.
        merged[field_.key] = NField(
            current.key,
            current.name,
            current.arguments,
            current.conditions if current.conditions == field_.conditions else (),
            (current.selections or []) + (field_.selections or [])
            if current.selections is not None or field_.selections is not None
            else None,
            current.loc,
            current.internal and field_.internal,
        )

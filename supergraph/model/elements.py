"""What the supergraph says of each type and field: which subgraph resolves it, under which keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql.language import (
    BooleanValueNode,
    DirectiveNode,
    EnumValueNode,
    ListTypeNode,
    NonNullTypeNode,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    ValueNode,
)


@dataclass(frozen=True, slots=True)
class Key:
    """One `@key` of a type in one subgraph."""

    graph: str
    fields: SelectionSetNode
    text: str
    resolvable: bool = True


@dataclass(frozen=True, slots=True)
class TypeInGraph:
    """A type as one subgraph defines it (`@join__type`)."""

    graph: str
    keys: tuple[Key, ...] = ()
    interface_object: bool = False
    extension: bool = False


@dataclass(frozen=True, slots=True)
class ContextArgument:
    """An argument a subgraph fills from a context (`@join__field(contextArguments:)`)."""

    name: str
    type: str
    context: str
    selection: str


@dataclass(frozen=True, slots=True)
class FieldSource:
    """A field as one subgraph defines it (`@join__field`)."""

    graph: str
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None
    type: str | None = None
    context_arguments: tuple[ContextArgument, ...] = ()


@dataclass(slots=True)
class FieldInfo:
    name: str
    type: TypeNode
    # None: no @join__field, so every subgraph defining the parent type resolves it.
    sources: tuple[FieldSource, ...] | None = None
    named_type: str = ""
    nullability: tuple[bool, ...] = (False,)


@dataclass(slots=True)
class TypeInfo:
    name: str
    kind: str  # object, interface, union, enum, input, scalar
    graphs: dict[str, TypeInGraph] = field(default_factory=dict)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    interfaces: tuple[str, ...] = ()
    implements_in: dict[str, set[str]] = field(default_factory=dict)  # graph -> interfaces
    members: tuple[str, ...] = ()  # union members
    members_in: dict[str, set[str]] = field(default_factory=dict)  # graph -> union members

    @property
    def abstract(self) -> bool:
        return self.kind in ("interface", "union")


def arguments(directive: DirectiveNode) -> dict[str, ValueNode]:
    return {a.name.value: a.value for a in directive.arguments or ()}


def literal(value: ValueNode | None) -> Any:
    """The Python value of a string, boolean or enum literal (None otherwise)."""
    if isinstance(value, (StringValueNode, EnumValueNode)):
        return value.value
    if isinstance(value, BooleanValueNode):
        return value.value
    return None


def unwrap(type_node: TypeNode) -> tuple[str, tuple[bool, ...]]:
    """The named type and the non-null flag of each list level (level 0 = the field)."""
    flags: list[bool] = []
    node = type_node
    while True:
        non_null = isinstance(node, NonNullTypeNode)
        if non_null:
            node = node.type  # type: ignore[attr-defined]
        flags.append(non_null)
        if isinstance(node, ListTypeNode):
            node = node.type
            continue
        return node.name.value, tuple(flags)  # type: ignore[attr-defined]

"""The merged supergraph: types with their join__ metadata, ready to print."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql.language import DirectiveNode, TypeNode, ValueNode


@dataclass
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    interface_object: bool = False


@dataclass
class JoinField:
    graph: str | None
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None
    # (context as the supergraph names it, argument, its type, selection)
    context_arguments: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass
class MergedArgument:
    name: str
    type: TypeNode
    default: ValueNode | None = None
    description: str | None = None
    applied: list[DirectiveNode] = field(default_factory=list)


@dataclass
class MergedField:
    name: str
    type: TypeNode
    args: dict[str, MergedArgument] = field(default_factory=dict)
    description: str | None = None
    default: ValueNode | None = None
    applied: list[DirectiveNode] = field(default_factory=list)
    joins: list[JoinField] = field(default_factory=list)


@dataclass
class MergedEnumValue:
    name: str
    description: str | None = None
    applied: list[DirectiveNode] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)


@dataclass
class MergedType:
    name: str
    kind: str
    description: str | None = None
    fields: dict[str, MergedField] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, MergedEnumValue] = field(default_factory=dict)
    join_types: list[JoinType] = field(default_factory=list)
    implements: list[tuple[str, str]] = field(default_factory=list)
    union_members: list[tuple[str, str]] = field(default_factory=list)
    applied: list[DirectiveNode] = field(default_factory=list)


@dataclass
class Supergraph:
    graphs: list[tuple[str, str, str]]  # (enum value, subgraph name, url)
    types: dict[str, MergedType] = field(default_factory=dict)
    uses_override_label: bool = False
    # join spec minor version: 3, 4 (override labels) or 5 (subgraphs on federation v2.8 and later)
    join_minor: int = 3
    # carried features: tag, inaccessible, authenticated, requiresScopes, policy, context, cost
    features: set[str] = field(default_factory=set)
    # @composeDirective: printed @link applications and directive definitions, by url / name
    composed_links: dict[str, str] = field(default_factory=dict)
    composed_directives: dict[str, str] = field(default_factory=dict)

"""The subgraph model composition works on: types, fields and their federation metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql.language import DirectiveDefinitionNode, DirectiveNode, TypeNode, ValueNode

OBJECT = "OBJECT"
INTERFACE = "INTERFACE"
UNION = "UNION"
ENUM = "ENUM"
INPUT_OBJECT = "INPUT_OBJECT"
SCALAR = "SCALAR"

KIND_WORDS = {
    OBJECT: "Object Type",
    INTERFACE: "Interface Type",
    UNION: "Union Type",
    ENUM: "Enum Type",
    INPUT_OBJECT: "Input Object Type",
    SCALAR: "Scalar Type",
}

ROOT_TYPES = ("Query", "Mutation", "Subscription")
BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


@dataclass
class ArgumentModel:
    name: str
    type: TypeNode
    default: ValueNode | None = None
    description: str | None = None
    applied: list[DirectiveNode] = field(default_factory=list)


@dataclass
class ContextArgumentModel:
    """An argument filled from a context (`@fromContext(field: "$ctx { prop }")`), not clients."""

    name: str
    type: TypeNode
    context: str  # as the subgraph names it
    selection: str  # what follows the context's name, e.g. " { prop }"
    has_default: bool = False


@dataclass
class FieldModel:
    """A field of an object, interface or input type as one subgraph declares it."""

    name: str
    type: TypeNode
    args: dict[str, ArgumentModel] = field(default_factory=dict)
    description: str | None = None
    default: ValueNode | None = None
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None
    shareable: bool = False
    # directives carried into the supergraph (@deprecated, @tag, @inaccessible, @authenticated...)
    applied: list[DirectiveNode] = field(default_factory=list)
    context_arguments: list[ContextArgumentModel] = field(default_factory=list)


@dataclass
class KeyModel:
    fields: str
    resolvable: bool = True


@dataclass
class EnumValueModel:
    name: str
    description: str | None = None
    applied: list[DirectiveNode] = field(default_factory=list)


@dataclass
class TypeModel:
    name: str
    kind: str
    description: str | None = None
    fields: dict[str, FieldModel] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValueModel] = field(default_factory=dict)
    keys: list[KeyModel] = field(default_factory=list)
    shareable: bool = False
    extension: bool = False
    interface_object: bool = False
    # only `extend type` / @extends in this subgraph: some subgraph must define the base type
    extends_only: bool = False
    extends_directive: bool = False  # marked @extends (rather than written `extend type`)
    applied: list[DirectiveNode] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # names it sets with @context

    def is_entity(self) -> bool:
        return bool(self.keys)


@dataclass
class SubgraphModel:
    """One subgraph after its SDL was read: names normalised to the federation spec's own."""

    name: str
    url: str
    graph: str
    fed2: bool
    version: tuple[int, int] = (1, 0)
    types: dict[str, TypeModel] = field(default_factory=dict)
    # features other than federation linked by the subgraph (`@link(url: ".../authenticated/v0.1")`)
    uses: set[str] = field(default_factory=set)
    # directives composed with @composeDirective: their definitions and the @links that bring them
    composed: dict[str, DirectiveDefinitionNode] = field(default_factory=dict)
    composed_links: list[DirectiveNode] = field(default_factory=list)
    # spec directive -> the name the subgraph imports it under (for those that must agree)
    import_names: dict[str, str] = field(default_factory=dict)

    def type(self, name: str) -> TypeModel | None:
        return self.types.get(name)


def graph_enum_name(subgraph: str) -> str:
    """The join__Graph value Apollo derives from a subgraph name."""
    out = "".join(ch.upper() if ch.isalnum() else "_" for ch in subgraph)
    if out and out[0].isdigit():
        out = "_" + out
    return out

"""The supergraph model: read once per supergraph SDL, used by the planner and the gateway."""

from __future__ import annotations

import hashlib
from functools import cached_property

from graphql import GraphQLSchema, GraphQLSyntaxError, parse
from graphql.language import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    UnionTypeDefinitionNode,
)

from supergraph.model.api_schema import build_api_schema
from supergraph.model.auth import AuthReader, AuthRequirement
from supergraph.model.elements import FieldInfo, TypeInfo, unwrap
from supergraph.model.errors import SupergraphError
from supergraph.model.join_field import read_join_fields
from supergraph.model.join_graph import SubgraphInfo, read_graphs
from supergraph.model.join_type import (
    read_enum_value_graphs,
    read_implements,
    read_join_types,
    read_union_members,
)
from supergraph.model.links import Links, read_links

_KINDS = {
    ObjectTypeDefinitionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    UnionTypeDefinitionNode: "union",
    EnumTypeDefinitionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
}


class Supergraph:
    """A Federation 2 supergraph: its subgraphs, types, fields, keys and the clients' API schema."""

    def __init__(self, sdl: str, document: DocumentNode) -> None:
        self.sdl = sdl
        self.hash = hashlib.sha256(sdl.encode()).hexdigest()
        self.document = document
        self.links: Links = read_links(document)
        join = self.links.get("join")
        assert join is not None
        self._graphs_by_enum = read_graphs(document, self.links)
        self.subgraphs: dict[str, SubgraphInfo] = {
            info.name: info for info in self._graphs_by_enum.values()
        }
        enum_to_name = {value: info.name for value, info in self._graphs_by_enum.items()}
        self.types: dict[str, TypeInfo] = {}
        self.root_types: dict[str, str] = {"query": "Query", "mutation": "Mutation"}
        self._auth = AuthReader(self.links)
        self._type_auth: dict[str, AuthRequirement] = {}
        self._field_auth: dict[tuple[str, str], AuthRequirement] = {}
        self.enum_value_graphs: dict[tuple[str, str], set[str]] = {}
        for definition in document.definitions:
            if isinstance(definition, SchemaDefinitionNode):
                for op in definition.operation_types:
                    self.root_types[op.operation.value] = op.type.name.value
                continue
            kind = _KINDS.get(type(definition))
            if kind is None:
                continue
            name = definition.name.value  # type: ignore[attr-defined]
            if self.links.is_spec_element(name):
                continue
            directives: tuple[DirectiveNode, ...] = tuple(definition.directives or ())  # type: ignore[attr-defined]
            info = TypeInfo(name, kind, read_join_types(name, directives, join, enum_to_name))
            requirement = self._auth.read(directives)
            if requirement is not None:
                self._type_auth[name] = requirement
            if isinstance(definition, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
                info.interfaces = tuple(i.name.value for i in definition.interfaces or ())
                info.implements_in = read_implements(directives, join, enum_to_name, name)
                for field in definition.fields or ():
                    coordinate = f"{name}.{field.name.value}"
                    named, nullability = unwrap(field.type)
                    info.fields[field.name.value] = FieldInfo(
                        field.name.value,
                        field.type,
                        read_join_fields(coordinate, field.directives or (), join, enum_to_name),
                        named,
                        nullability,
                    )
                    requirement = self._auth.read(field.directives)
                    if requirement is not None:
                        self._field_auth[(name, field.name.value)] = requirement
            elif isinstance(definition, UnionTypeDefinitionNode):
                info.members = tuple(t.name.value for t in definition.types or ())
                info.members_in = read_union_members(directives, join, enum_to_name, name)
            elif isinstance(definition, EnumTypeDefinitionNode):
                for value in definition.values or ():
                    graphs = read_enum_value_graphs(
                        value.directives or (), join, enum_to_name, name
                    )
                    self.enum_value_graphs[(name, value.name.value)] = graphs
            self.types[name] = info
        query = self.root_types["query"]
        if query not in self.types:
            raise SupergraphError(f"the supergraph has no query root type ({query})")
        self.api_schema: GraphQLSchema = build_api_schema(document, self.links)

    @classmethod
    def from_sdl(cls, sdl: str) -> Supergraph:
        """Read a supergraph SDL; raises SupergraphError (INVALID_SUPERGRAPH) when it is not one."""
        try:
            document = parse(sdl)
        except GraphQLSyntaxError as exc:
            raise SupergraphError(f"the supergraph SDL does not parse: {exc.message}") from None
        return cls(sdl, document)

    # ------------------------------------------------------------ authorization

    def auth_requirements(self, type_name: str, field_name: str | None) -> AuthRequirement | None:
        """Requirements on the field, its parent type and its return type, combined (AND)."""
        found: AuthRequirement | None = self._type_auth.get(type_name)
        if field_name is not None:
            for requirement in (
                self._field_auth.get((type_name, field_name)),
                self._type_auth.get(self._return_type(type_name, field_name) or ""),
            ):
                if requirement is not None:
                    found = requirement if found is None else found.combine(requirement)
        return found

    def _return_type(self, type_name: str, field_name: str) -> str | None:
        info = self.types.get(type_name)
        field = info.fields.get(field_name) if info is not None else None
        return field.named_type if field is not None else None

    @cached_property
    def has_auth(self) -> bool:
        return bool(self._type_auth or self._field_auth)


__all__ = ["AuthRequirement", "SubgraphInfo", "Supergraph", "SupergraphError"]

"""A Federation subgraph from SDL and plain data, served as an in-process ASGI app.

Each conformance case writes its subgraphs as Federation 2 (or Fed 1) SDL plus dictionaries:
`root` answers root fields (a value, or a callable `(info, **args)`), `entities` resolves a
representation per type name. graphql-core runs them; the federation directives stay on the AST
(the gateway, not the subgraph, interprets them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    graphql,
    parse,
)

EntityResolver = Callable[[dict[str, Any]], dict[str, Any] | None]

_AS_DEFINITION: dict[type, type] = {
    ObjectTypeExtensionNode: ObjectTypeDefinitionNode,
    InterfaceTypeExtensionNode: InterfaceTypeDefinitionNode,
    UnionTypeExtensionNode: UnionTypeDefinitionNode,
    EnumTypeExtensionNode: EnumTypeDefinitionNode,
    InputObjectTypeExtensionNode: InputObjectTypeDefinitionNode,
    ScalarTypeExtensionNode: ScalarTypeDefinitionNode,
}

_FEDERATION_TYPES = "scalar _Any\ntype _Service { sdl: String }\n"


def _has_key(node: Any) -> bool:
    return any(d.name.value == "key" for d in node.directives or ())


def executable_schema(sdl: str) -> GraphQLSchema:
    """The subgraph's schema as graphql-core runs it, with `_service` and `_entities` added.

    Fed 1 `extend type X @key(...)` without a base definition becomes a definition, and the
    `@link` schema extension is dropped: graphql-core need not know the federation directives.
    """
    document = parse(sdl)
    defined = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    definitions: list[Any] = []
    converted: set[str] = set()
    for node in document.definitions:
        if isinstance(node, (SchemaDefinitionNode, SchemaExtensionNode)):
            continue
        kind = _AS_DEFINITION.get(type(node))
        name = getattr(getattr(node, "name", None), "value", None)
        if kind is not None and name not in defined and name not in converted:
            converted.add(str(name))
            values = {key: getattr(node, key, None) for key in node.keys}
            values.pop("loc", None)
            definitions.append(kind(**values))
            continue
        definitions.append(node)
    entities = [
        d.name.value
        for d in definitions
        if isinstance(d, (ObjectTypeDefinitionNode, ObjectTypeExtensionNode)) and _has_key(d)
    ]
    names = {getattr(getattr(d, "name", None), "value", None) for d in definitions}
    extra = _FEDERATION_TYPES
    root_fields = "_service: _Service!"
    if entities:
        extra += f"union _Entity = {' | '.join(sorted(set(entities)))}\n"
        root_fields += "\n_entities(representations: [_Any!]!): [_Entity]!"
    extra += ("extend type Query" if "Query" in names else "type Query") + f" {{ {root_fields} }}"
    merged = DocumentNode(definitions=(*definitions, *parse(extra).definitions))
    return build_ast_schema(merged, assume_valid_sdl=True)


@dataclass
class Subgraph:
    """One subgraph of a case: its SDL, root values and entity resolvers, and what it received."""

    name: str
    sdl: str
    root: Mapping[str, Any] = field(default_factory=dict)
    entities: Mapping[str, EntityResolver] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.schema = executable_schema(self.sdl)

    def _entities(self, _info: Any, representations: list[dict[str, Any]]) -> list[Any]:
        # one awaitable per representation: like a real subgraph, a failing one is null with an
        # error at ["_entities", i] and the others still resolve
        return [self._entity(representation) for representation in representations]

    async def _entity(self, representation: dict[str, Any]) -> Any:
        typename = representation["__typename"]
        resolver = self.entities.get(typename)
        found = resolver(representation) if resolver is not None else None
        if found is not None and "__typename" not in found:
            found = {"__typename": typename, **found}
        return found

    def root_value(self) -> dict[str, Any]:
        value = dict(self.root)
        value["_service"] = {"sdl": self.sdl}
        value["_entities"] = self._entities
        return value

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Any],
        send: Callable[[MutableMapping[str, Any]], Any],
    ) -> None:
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        request = orjson.loads(b"".join(chunks))
        self.received.append(request)
        result = await graphql(
            self.schema,
            request["query"],
            root_value=self.root_value(),
            variable_values=request.get("variables"),
            operation_name=request.get("operationName"),
        )
        body = orjson.dumps(result.formatted)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def queries(self) -> list[str]:
        """The operations this subgraph was sent, in order (entity fetches included)."""
        return [str(r["query"]) for r in self.received]

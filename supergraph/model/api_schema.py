"""Derives the clients' API schema: no join/link elements, @inaccessible, spec directives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_ast_schema
from graphql.language import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
)

from supergraph.model.errors import SupergraphError
from supergraph.model.links import Links

_KEPT_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf"})


class _Filter:
    def __init__(self, links: Links, inaccessible_types: set[str]) -> None:
        self.links = links
        self.inaccessible = links.directive("inaccessible", "inaccessible")
        self.hidden_types = inaccessible_types

    def hidden(self, directives: Sequence[DirectiveNode] | None) -> bool:
        return self.inaccessible is not None and any(
            d.name.value == self.inaccessible for d in directives or ()
        )

    def directives(self, directives: Sequence[DirectiveNode] | None) -> tuple[Any, ...]:
        return tuple(d for d in directives or () if d.name.value in _KEPT_DIRECTIVES)

    def spec_type(self, name: str) -> bool:
        return self.links.is_spec_element(name)

    def arguments(self, args: Any) -> tuple[Any, ...]:
        return tuple(
            replace(a, directives=self.directives(a.directives))
            for a in args or ()
            if not self.hidden(a.directives)
        )

    def fields(self, fields: Any) -> tuple[Any, ...]:
        out = []
        for f in fields or ():
            if self.hidden(f.directives) or _named(f.type) in self.hidden_types:
                continue
            if hasattr(f, "arguments"):
                out.append(
                    replace(
                        f,
                        directives=self.directives(f.directives),
                        arguments=self.arguments(f.arguments),
                    )
                )
            else:
                out.append(replace(f, directives=self.directives(f.directives)))
        return tuple(out)

    def definition(self, node: DefinitionNode) -> DefinitionNode | None:
        if isinstance(node, (SchemaDefinitionNode, SchemaExtensionNode)):
            return replace(node, directives=())
        if isinstance(node, DirectiveDefinitionNode):
            name = node.name.value
            spec = self.links.is_spec_element("@" + name) or self.links.is_spec_element(name)
            # an executable directive of a linked spec (composed with @composeDirective) is
            # for clients to send; only type-system directives of specs are the supergraph's
            if spec and not all(loc.value in _EXECUTABLE for loc in node.locations):
                return None
            return replace(node, arguments=self.arguments(node.arguments))
        if not isinstance(node, (TypeDefinitionNode, TypeExtensionNode)):
            return node
        name = node.name.value
        if self.spec_type(name) or name in self.hidden_types:
            return None
        changes: dict[str, Any] = {"directives": self.directives(node.directives)}
        if isinstance(
            node,
            (
                ObjectTypeDefinitionNode,
                ObjectTypeExtensionNode,
                InterfaceTypeDefinitionNode,
                InterfaceTypeExtensionNode,
            ),
        ):
            changes["fields"] = self.fields(node.fields)
            changes["interfaces"] = tuple(
                i for i in node.interfaces or () if i.name.value not in self.hidden_types
            )
        elif isinstance(node, (InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode)):
            changes["fields"] = self.fields(node.fields)
        elif isinstance(node, (EnumTypeDefinitionNode, EnumTypeExtensionNode)):
            changes["values"] = tuple(
                replace(v, directives=self.directives(v.directives))
                for v in node.values or ()
                if not self.hidden(v.directives)
            )
        elif isinstance(node, (UnionTypeDefinitionNode, UnionTypeExtensionNode)):
            changes["types"] = tuple(
                t for t in node.types or () if t.name.value not in self.hidden_types
            )
        return replace(node, **changes)


_EXECUTABLE = frozenset(
    {
        "QUERY",
        "MUTATION",
        "SUBSCRIPTION",
        "FIELD",
        "FRAGMENT_DEFINITION",
        "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION",
    }
)


def _named(type_node: Any) -> str:
    while not hasattr(type_node, "name"):
        type_node = type_node.type
    return str(type_node.name.value)


def build_api_schema(document: DocumentNode, links: Links) -> GraphQLSchema:
    inaccessible = links.directive("inaccessible", "inaccessible")
    hidden: set[str] = set()
    if inaccessible is not None:
        for node in document.definitions:
            if isinstance(node, (TypeDefinitionNode, TypeExtensionNode)) and any(
                d.name.value == inaccessible for d in node.directives or ()
            ):
                hidden.add(node.name.value)
    keep = _Filter(links, hidden)
    definitions = [d for d in (keep.definition(n) for n in document.definitions) if d is not None]
    try:
        return build_ast_schema(DocumentNode(definitions=tuple(definitions)), assume_valid_sdl=True)
    except (GraphQLError, TypeError) as exc:
        raise SupergraphError(f"cannot build the API schema from the supergraph: {exc}") from None

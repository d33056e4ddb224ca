"""Validates one subgraph as a plain GraphQL schema, federation aside (INVALID_GRAPHQL)."""

from __future__ import annotations

from graphql import GraphQLError, build_ast_schema, validate_schema
from graphql.language import (
    REMOVE,
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
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    Visitor,
    visit,
)

from .errors import Report

_BASE_OF: dict[type, type] = {
    ObjectTypeExtensionNode: ObjectTypeDefinitionNode,
    InterfaceTypeExtensionNode: InterfaceTypeDefinitionNode,
    UnionTypeExtensionNode: UnionTypeDefinitionNode,
    EnumTypeExtensionNode: EnumTypeDefinitionNode,
    InputObjectTypeExtensionNode: InputObjectTypeDefinitionNode,
    ScalarTypeExtensionNode: ScalarTypeDefinitionNode,
}


class _StripFederation(Visitor):
    """Directives are federation's business (checked elsewhere); GraphQL validity is about types."""

    def enter_directive(self, node: DirectiveNode, *_: object) -> object:
        return REMOVE

    def enter_directive_definition(self, node: DirectiveDefinitionNode, *_: object) -> object:
        return REMOVE


def check_graphql(name: str, document: DocumentNode, report: Report) -> bool:
    """Record the first GraphQL validation errors of the subgraph; True when it is valid."""
    stripped = visit(document, _StripFederation())
    assert isinstance(stripped, DocumentNode)
    defined = {d.name.value for d in stripped.definitions if isinstance(d, TypeDefinitionNode)}
    definitions: list[DefinitionNode] = []
    for definition in stripped.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        if isinstance(definition, TypeExtensionNode) and definition.name.value not in defined:
            # an extension of a type owned by another subgraph stands in for its definition here
            base = _BASE_OF[type(definition)]
            values = {key: getattr(definition, key) for key in definition.keys if key != "loc"}
            definition = base(**values, description=None)
            defined.add(definition.name.value)
        definitions.append(definition)
    try:
        schema = build_ast_schema(DocumentNode(definitions=tuple(definitions)))
    except (GraphQLError, TypeError) as exc:
        report.error("INVALID_GRAPHQL", f"[{name}] {exc}", (name,))
        return False
    # every subgraph has a Query (`_entities`, `_service`) even when its SDL shows none
    problems = [
        p for p in validate_schema(schema) if "Query root type must be provided" not in p.message
    ]
    for problem in problems:
        report.error("INVALID_GRAPHQL", f"[{name}] {problem.message}", (name,))
    return not problems

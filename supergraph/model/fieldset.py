"""Parses `join__FieldSet` strings (keys, requires, provides) into selection sets."""

from __future__ import annotations

from graphql import GraphQLSyntaxError, parse
from graphql.language import OperationDefinitionNode, SelectionSetNode

from supergraph.model.errors import SupergraphError


def parse_field_set(text: str, where: str) -> SelectionSetNode:
    try:
        document = parse("{" + text + "}", no_location=True)
    except GraphQLSyntaxError as exc:
        raise SupergraphError(f"{where}: invalid field set {text!r}: {exc.message}") from None
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set

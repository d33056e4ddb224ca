"""Field sets (`@key(fields:)`, `@requires`, `@provides`): parsed and walked over a subgraph."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import GraphQLSyntaxError, parse
from graphql.language import (
    FieldNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from .model import SubgraphModel, TypeModel


class FieldSetError(Exception):
    """`kind` is one of: syntax, unknown, args, directive, leaf, composite, fragment."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Selected:
    """One field a field set selects: the type it is on, the field name, and its path."""

    parent: str
    field: str
    depth: int = dataclasses.field(default=0, compare=False)  # 0: selected on the set's own type


def parse_field_set(text: str) -> SelectionSetNode:
    try:
        document = parse("{" + text + "}", no_location=True)
    except GraphQLSyntaxError as exc:
        raise FieldSetError("syntax", f"Syntax Error: {exc.message}.") from exc
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def walk_field_set(
    subgraph: SubgraphModel, parent: TypeModel, text: str, *, arguments: bool = False
) -> list[Selected]:
    """Every field the set selects, checked to exist with the right shape; raises FieldSetError.

    `arguments`: fields with arguments may be selected (Federation 2 `@requires` allows them,
    `@key` and `@provides` do not).
    """
    return list(_walk(subgraph, parent, parse_field_set(text), 0, arguments))


def _walk(
    subgraph: SubgraphModel,
    parent: TypeModel,
    selection_set: SelectionSetNode,
    depth: int,
    arguments: bool = False,
) -> Iterator[Selected]:
    from .typing_rules import named_type

    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = (
                selection.type_condition.name.value if selection.type_condition else parent.name
            )
            target = subgraph.type(condition)
            if target is None:
                raise FieldSetError("unknown", f'Unknown type "{condition}"')
            yield from _walk(subgraph, target, selection.selection_set, depth, arguments)
            continue
        if not isinstance(selection, FieldNode):
            raise FieldSetError("fragment", "named fragments are not allowed in field sets")
        name = selection.name.value
        if selection.directives:
            raise FieldSetError(
                "directive", f'field "{parent.name}.{name}" has a directive applied'
            )
        if name == "__typename":
            continue
        definition = parent.fields.get(name)
        if definition is None:
            raise FieldSetError("unknown", f'Cannot query field "{name}" on type "{parent.name}"')
        if (selection.arguments or definition.args) and not arguments:
            raise FieldSetError(
                "args",
                f"field {parent.name}.{name} cannot be included because it has arguments "
                "(fields with argument are not allowed in @key)",
            )
        yield Selected(parent.name, name, depth)
        target = subgraph.type(named_type(definition.type))
        composite = target is not None and target.kind in ("OBJECT", "INTERFACE", "UNION")
        if selection.selection_set is not None:
            if not composite or target is None:
                raise FieldSetError(
                    "leaf", f'Field "{name}" must not have a selection since type is a leaf'
                )
            yield from _walk(subgraph, target, selection.selection_set, depth + 1, arguments)
        elif composite:
            raise FieldSetError(
                "composite",
                f'Field "{name}" of type "{target.name if target else ""}" must have a selection '
                "of subfields",
            )

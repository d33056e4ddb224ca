"""`@context` / `@fromContext` (federation v2.8): checked per subgraph, named for the supergraph.

A context belongs to the subgraph that sets it, so the supergraph names it `<subgraph>__<name>`
(as Apollo's composition does) both in `@context(name:)` and in
`@join__field(contextArguments: [{context:, ...}])`.
"""

from __future__ import annotations

import re

from graphql.language import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    NameNode,
    NonNullTypeNode,
    StringValueNode,
    TypeNode,
)

from .errors import Report
from .fieldset import FieldSetError, parse_field_set, walk_field_set
from .model import INTERFACE, OBJECT, ContextArgumentModel, SubgraphModel, TypeModel
from .typing_rules import named_type, type_text

_CONTEXT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def supergraph_context(subgraph: str, context: str) -> str:
    return f"{subgraph}__{context}"


def context_directive(subgraph: str, context: str) -> DirectiveNode:
    value = StringValueNode(value=supergraph_context(subgraph, context))
    return DirectiveNode(
        name=NameNode(value="context"),
        arguments=(ArgumentNode(name=NameNode(value="name"), value=value),),
    )


def check_contexts(subgraph: SubgraphModel, report: Report) -> None:
    name = subgraph.name
    setters: dict[str, list[TypeModel]] = {}
    for model in subgraph.types.values():
        for context in model.contexts:
            if not _CONTEXT_NAME.match(context):
                report.error(
                    "CONTEXT_NAME_INVALID",
                    f'[{name}] Context name "{context}" is invalid. It should have only '
                    "alphanumeric characters.",
                    (name,),
                    model.name,
                )
            setters.setdefault(context, []).append(model)
    for model in subgraph.types.values():
        for field in model.fields.values():
            if not field.context_arguments:
                continue
            if model.kind == OBJECT and not any(k.resolvable for k in model.keys):
                report.error(
                    "CONTEXT_NO_RESOLVABLE_KEY",
                    f'[{name}] Object "{model.name}" has no resolvable key but has a field with a '
                    "contextual argument.",
                    (name,),
                    model.name,
                )
            for argument in field.context_arguments:
                coordinate = f"{model.name}.{field.name}({argument.name}:)"
                problem = _problem(model, argument, coordinate, setters, subgraph)
                if problem is not None:
                    code, message = problem
                    report.error(code, f"[{name}] {message}", (name,), coordinate)


def _problem(
    model: TypeModel,
    argument: ContextArgumentModel,
    coordinate: str,
    setters: dict[str, list[TypeModel]],
    subgraph: SubgraphModel,
) -> tuple[str, str] | None:
    if model.kind == INTERFACE:
        return (
            "CONTEXT_NOT_SET",
            "@fromContext argument cannot be used on a field that exists on an abstract type "
            f'"{coordinate}".',
        )
    if argument.has_default:
        return (
            "CONTEXT_NOT_SET",
            f'@fromContext arguments may not have a default value: "{coordinate}".',
        )
    if not argument.context:
        return (
            "NO_CONTEXT_IN_SELECTION",
            f'@fromContext argument does not reference a context "{argument.selection}".',
        )
    owners = setters.get(argument.context)
    if not owners:
        return (
            "CONTEXT_NOT_SET",
            f'Context "{argument.context}" is used at location "{coordinate}" but is never set.',
        )
    selection = argument.selection.strip()
    if selection.startswith("{") and selection.endswith("}"):
        selection = selection[1:-1]
    invalid = f'Context "{argument.context}" is used in "{coordinate}" but the selection is invalid'
    if not selection.strip():
        return "CONTEXT_INVALID_SELECTION", f"{invalid}: it selects nothing"
    try:
        top = parse_field_set(selection).selections
    except FieldSetError as exc:
        return "CONTEXT_INVALID_SELECTION", f"{invalid}: {exc.message}"
    for owner in owners:
        try:
            walk_field_set(subgraph, owner, selection, arguments=True)
        except FieldSetError as exc:
            return (
                "CONTEXT_INVALID_SELECTION",
                f"{invalid} for type {owner.name}. Error: {exc.message}.",
            )
        if len(top) == 1 and isinstance(top[0], FieldNode) and top[0].selection_set is None:
            selected = owner.fields.get(top[0].name.value)
            if selected is not None and not _fits(selected.type, argument):
                return (
                    "CONTEXT_INVALID_SELECTION",
                    f'{invalid}: the type of the selection "{type_text(selected.type)}" does not '
                    f'match the expected type "{type_text(argument.type)}"',
                )
    return None


def _fits(selected: TypeNode, argument: ContextArgumentModel) -> bool:
    """A selected leaf fits the argument: same named type, non-null where the argument is."""
    if named_type(selected) != named_type(argument.type):
        return False
    return not isinstance(argument.type, NonNullTypeNode) or isinstance(selected, NonNullTypeNode)

"""Merging @requiresScopes and @policy across subgraphs: every requirement must hold (AND)."""

from __future__ import annotations

from graphql.language import (
    ArgumentNode,
    DirectiveNode,
    ListValueNode,
    NameNode,
    StringValueNode,
)

# directive -> its argument, an OR-list of AND-lists
AUTHORIZATION_ARGUMENTS = {"requiresScopes": "scopes", "policy": "policies"}


def requirement(directive: DirectiveNode) -> list[list[str]]:
    argument_name = AUTHORIZATION_ARGUMENTS[directive.name.value]
    for argument in directive.arguments or ():
        if argument.name.value == argument_name and isinstance(argument.value, ListValueNode):
            return [
                [v.value for v in inner.values if isinstance(v, StringValueNode)]
                for inner in argument.value.values
                if isinstance(inner, ListValueNode)
            ]
    return []


def combine(first: DirectiveNode, second: DirectiveNode) -> DirectiveNode:
    """Both requirements at once: each alternative of one joined with each of the other."""
    alternatives: list[list[str]] = []
    for left in requirement(first):
        for right in requirement(second):
            joined = list(dict.fromkeys([*left, *right]))
            if joined not in alternatives:
                alternatives.append(joined)
    name = first.name.value
    value = ListValueNode(
        values=tuple(
            ListValueNode(values=tuple(StringValueNode(value=v) for v in alternative))
            for alternative in alternatives
        )
    )
    argument = ArgumentNode(name=NameNode(value=AUTHORIZATION_ARGUMENTS[name]), value=value)
    return DirectiveNode(name=NameNode(value=name), arguments=(argument,))

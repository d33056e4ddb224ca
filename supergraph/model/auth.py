"""Reads `@authenticated`, `@requiresScopes` and `@policy` into authorization requirements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graphql.language import DirectiveNode, ListValueNode, StringValueNode, ValueNode

from supergraph.model.elements import arguments
from supergraph.model.links import Links


@dataclass(frozen=True, slots=True)
class AuthRequirement:
    """What a principal needs to read an element.

    `scopes` is an OR of AND-lists (`[["a", "b"], ["c"]]`: a and b, or c); empty means no scope
    is needed. `policies` has the same shape for `@policy` (extension of the contract).
    """

    authenticated: bool = False
    scopes: tuple[tuple[str, ...], ...] = ()
    policies: tuple[tuple[str, ...], ...] = ()

    def combine(self, other: AuthRequirement) -> AuthRequirement:
        """Both requirements at once (AND): OR-lists are crossed."""
        return AuthRequirement(
            self.authenticated or other.authenticated,
            _cross(self.scopes, other.scopes),
            _cross(self.policies, other.policies),
        )


def _cross(
    a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]
) -> tuple[tuple[str, ...], ...]:
    if not a:
        return b
    if not b:
        return a
    out: list[tuple[str, ...]] = []
    for left in a:
        for right in b:
            merged = tuple(dict.fromkeys((*left, *right)))
            if merged not in out:
                out.append(merged)
    return tuple(out)


def _nested_strings(value: ValueNode | None) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, ListValueNode):
        return ()
    out: list[tuple[str, ...]] = []
    for inner in value.values:
        if isinstance(inner, ListValueNode):
            out.append(tuple(v.value for v in inner.values if isinstance(v, StringValueNode)))
        elif isinstance(inner, StringValueNode):
            out.append((inner.value,))
    return tuple(out)


class AuthReader:
    """Knows the local names of the three authorization directives of one supergraph."""

    def __init__(self, links: Links) -> None:
        self.authenticated = links.directive("authenticated", "authenticated")
        self.requires_scopes = links.directive("requiresScopes", "requiresScopes")
        self.policy = links.directive("policy", "policy")

    def read(self, directives: Sequence[DirectiveNode] | None) -> AuthRequirement | None:
        found: AuthRequirement | None = None
        for directive in directives or ():
            name = directive.name.value
            if name == self.authenticated:
                requirement = AuthRequirement(authenticated=True)
            elif name == self.requires_scopes:
                scopes = _nested_strings(arguments(directive).get("scopes"))
                requirement = AuthRequirement(scopes=scopes)
            elif name == self.policy:
                policies = _nested_strings(arguments(directive).get("policies"))
                requirement = AuthRequirement(policies=policies)
            else:
                continue
            found = requirement if found is None else found.combine(requirement)
        return found

"""Authorization directives: declare a role in one word, print them for Federation 2, enforce them.

`requires_role("editor")` gives `@requiresScopes(scopes: [["role:editor"]])`; `authenticated()`
gives `@authenticated`. Both go where Strawberry takes directives:

    @strawberry.field(directives=requires_role("admin"))
    def users(self) -> ...

`AuthorizationExtension` enforces them again inside the subgraph (the gateway enforces them
first): a field is refused when its own directives, its parent type's or its return type's are
not met by the principal in the context.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLNamedType, GraphQLObjectType, GraphQLResolveInfo, get_named_type
from strawberry.extensions import SchemaExtension
from strawberry.federation.schema_directives import Authenticated, RequiresScopes

from core.security.principal import Principal
from core.security.roles import ROLES
from subgraphs.kit.errors import UnauthorizedFieldError

DEFINITION = "strawberry-definition"


def requires_role(role: str) -> list[object]:
    """`@requiresScopes(scopes: [["role:<role>"]])`: the role or any role above it."""
    if role not in ROLES or role == "guest":
        raise ValueError(f"requires_role takes viewer, editor or admin, not {role!r}")
    return [RequiresScopes(scopes=[[f"role:{role}"]])]


def requires_scopes(*any_of: Iterable[str]) -> list[object]:
    """`@requiresScopes` with explicit scopes: each argument is an AND-list, the lists are OR-ed."""
    return [RequiresScopes(scopes=[list(group) for group in any_of])]


def authenticated() -> list[object]:
    """`@authenticated`: any signed-in principal (user or API key)."""
    return [Authenticated()]


@dataclass(frozen=True, slots=True)
class Requirement:
    """One directive to satisfy: `@authenticated` (scopes None) or `@requiresScopes`."""

    scopes: tuple[tuple[str, ...], ...] | None = None

    def allows(self, principal: Principal) -> bool:
        if not principal.is_authenticated:
            return False
        return self.scopes is None or principal.has_scopes(self.scopes)

    def describe(self) -> str:
        if self.scopes is None:
            return "signing in"
        return " or ".join(" and ".join(group) for group in self.scopes)


def requirements_of(directives: Iterable[object]) -> tuple[Requirement, ...]:
    found: list[Requirement] = []
    for directive in directives:
        if isinstance(directive, Authenticated):
            found.append(Requirement())
        elif isinstance(directive, RequiresScopes):
            found.append(Requirement(tuple(tuple(group) for group in directive.scopes)))
    return tuple(found)


def _type_requirements(graphql_type: GraphQLNamedType) -> tuple[Requirement, ...]:
    definition = (graphql_type.extensions or {}).get(DEFINITION)
    return requirements_of(getattr(definition, "directives", None) or ())


def field_requirements(parent: GraphQLObjectType, field_name: str) -> tuple[Requirement, ...]:
    """Everything a principal must meet to resolve `parent.field_name`."""
    field = parent.fields.get(field_name)
    if field is None:
        return ()
    definition = (field.extensions or {}).get(DEFINITION)
    own = requirements_of(getattr(definition, "directives", None) or ())
    return own + _type_requirements(parent) + _type_requirements(get_named_type(field.type))


class AuthorizationExtension(SchemaExtension):
    """Refuses fields whose authorization directives the context's principal does not meet."""

    # Keyed by schema too: two subgraphs may both have a `User.email`.
    _cache: dict[tuple[int, str, str], tuple[Requirement, ...]] = {}

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo,
        *args: Any,
        **kwargs: Any,
    ) -> Awaitable[object] | object:
        key = (id(info.schema), info.parent_type.name, info.field_name)
        needed = self._cache.get(key)
        if needed is None:
            needed = field_requirements(info.parent_type, info.field_name)
            self._cache[key] = needed
        if needed:
            principal: Principal = getattr(info.context, "principal", None) or Principal.guest()
            for requirement in needed:
                if not requirement.allows(principal):
                    raise UnauthorizedFieldError(
                        f"{info.parent_type.name}.{info.field_name} requires "
                        f"{requirement.describe()}"
                    )
        return _next(root, info, *args, **kwargs)

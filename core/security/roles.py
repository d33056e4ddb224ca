"""Roles, their order, and the scopes each role implies (DESIGN.md, "Identity and trust")."""

from __future__ import annotations

from typing import Final

ROLES: Final[tuple[str, ...]] = ("guest", "viewer", "editor", "admin")
"""Lowest to highest."""

ASSIGNABLE_ROLES: Final[tuple[str, ...]] = ("viewer", "editor", "admin")
"""Roles a user account may hold (guest means no credentials)."""


class UnknownRoleError(ValueError):
    """A role name that is not one of ROLES."""

    code = "UNKNOWN_ROLE"

    def __init__(self, role: str) -> None:
        super().__init__(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        self.role = role


def role_rank(role: str) -> int:
    try:
        return ROLES.index(role)
    except ValueError:
        raise UnknownRoleError(role) from None


def role_at_least(role: str, minimum: str) -> bool:
    return role_rank(role) >= role_rank(minimum)


def scopes_for_role(role: str) -> frozenset[str]:
    """`role:<r>` for the role itself and every role below it, guest excluded.

    A guest holds no scopes at all: `@requiresScopes` is never met without credentials.
    """
    rank = role_rank(role)
    return frozenset(f"role:{r}" for r in ROLES[1 : rank + 1])

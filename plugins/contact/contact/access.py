"""Who may read and manage the messages: checked in every resolver (the SDL declares it too)."""

from __future__ import annotations

from core.security.principal import Principal

from .errors import UnauthenticatedError, UnauthorizedError

EDITOR = "role:editor"
ADMIN = "role:admin"


def require_role(principal: Principal, scope: str, action: str) -> None:
    """Nothing when the caller holds `scope` (a role scope, held by that role and above); else
    UNAUTHENTICATED for guests and UNAUTHORIZED for signed-in users below it."""
    if not principal.is_authenticated:
        raise UnauthenticatedError(f"sign in to {action}")
    if not principal.has_scopes([[scope]]):
        needed = scope.removeprefix("role:")
        raise UnauthorizedError(f"{action} needs the {needed} role (you are {principal.role})")


def require_editor(principal: Principal, action: str) -> None:
    require_role(principal, EDITOR, action)


def require_admin(principal: Principal, action: str) -> None:
    require_role(principal, ADMIN, action)


def is_admin(principal: Principal) -> bool:
    return principal.has_scopes([[ADMIN]])

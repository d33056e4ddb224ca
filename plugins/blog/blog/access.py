"""Who may read and write which posts: checked in every resolver (the SDL declares it too)."""

from __future__ import annotations

from core.security.principal import Principal

from .errors import UnauthenticatedError, UnauthorizedError

EDITOR = "role:editor"
ADMIN = "role:admin"


def can_read_unpublished(principal: Principal) -> bool:
    """Editors and admins read drafts and scheduled posts; guests and viewers only published."""
    return principal.has_scopes([[EDITOR]])


def require_editor(principal: Principal, action: str) -> str:
    """The caller's user id when they are an editor or above; else a coded error."""
    if not principal.is_authenticated or principal.sub is None:
        raise UnauthenticatedError(f"sign in to {action}")
    if not principal.has_scopes([[EDITOR]]):
        raise UnauthorizedError(f"{action} needs the editor role (you are {principal.role})")
    return principal.sub


def require_owner(principal: Principal, author_id: str, action: str) -> None:
    """Authors change their own posts; only admins change other people's."""
    user_id = require_editor(principal, action)
    if user_id != author_id and not principal.has_scopes([[ADMIN]]):
        raise UnauthorizedError(f"only the post's author or an admin may {action}")

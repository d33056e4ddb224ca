"""GraphQL types of the users subgraph."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from core.security.roles import role_at_least
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.errors import ForbiddenError
from subgraphs.kit.pagination import Connection


@strawberry.federation.type(keys=["id"], description="A user account.")
class User:
    id: strawberry.ID
    username: str
    role: str
    is_active: bool
    created_at: datetime
    updated_at: datetime
    last_login: datetime | None
    _email: strawberry.Private[str]
    _own: strawberry.Private[bool] = False

    @strawberry.field(description="Visible to the user themself and to editors and admins.")
    def email(self, info: Info[SubgraphContext, None]) -> str | None:
        principal = info.context.principal
        if self._own or principal.sub == str(self.id) or role_at_least(principal.role, "editor"):
            return self._email
        raise ForbiddenError("only the user themself, editors and admins see an email address")

    @classmethod
    def from_row(cls, row: Any, *, own: bool = False) -> User:
        """`own`: the row is the requester's own account (e.g. just signed in as it)."""
        return cls(
            id=strawberry.ID(str(row.id)),
            username=row.username,
            role=row.role,
            is_active=row.is_active,
            created_at=row.created_at,
            updated_at=row.updated_at,
            last_login=row.last_login,
            _email=row.email,
            _own=own,
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[SubgraphContext, None], id: strawberry.ID
    ) -> User | None:
        from subgraphs.users.loaders import user_loader

        row = await user_loader(info.context).load(str(id))
        return None if row is None else cls.from_row(row)


@strawberry.type
class AuthPayload:
    access_token: str
    refresh_token: str
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    user: User


@strawberry.input
class RegisterInput:
    email: str
    username: str
    password: str


@strawberry.input
class LoginInput:
    login: str = strawberry.field(description="Email address or username.")
    password: str


@strawberry.input
class UpdateProfileInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="Whose profile (admins only); yourself when omitted."
    )
    email: str | None = None
    username: str | None = None


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str
    refresh_token: str | None = strawberry.field(
        default=None, description="This session's refresh token, kept; every other is revoked."
    )


@strawberry.input
class UserFilter:
    role: str | None = None
    is_active: bool | None = None
    search: str | None = strawberry.field(default=None, description="Part of email or username.")


@strawberry.type
class ApiKey:
    id: strawberry.ID
    name: str
    prefix: str
    role: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    created_by_id: strawberry.Private[str | None]

    @strawberry.field
    async def created_by(self, info: Info[SubgraphContext, None]) -> User | None:
        from subgraphs.users.loaders import user_loader

        if self.created_by_id is None:
            return None
        row = await user_loader(info.context).load(self.created_by_id)
        return None if row is None else User.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> ApiKey:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            prefix=row.prefix,
            role=row.role,
            scopes=list(row.scopes),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            created_by_id=None if row.created_by is None else str(row.created_by),
        )


@strawberry.type
class CreatedApiKey:
    key: str = strawberry.field(description="The full key `ak_<prefix>_<secret>`, shown only once.")
    api_key: ApiKey


@strawberry.input
class CreateApiKeyInput:
    name: str
    role: str = "viewer"
    scopes: list[str] = strawberry.field(default_factory=list)
    expires_at: datetime | None = None


UserConnection = Connection[User]

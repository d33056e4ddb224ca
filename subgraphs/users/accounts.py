"""Account lookups shared by the users resolvers: the signed-in user, users by login or id."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.errors import AlthausError, NotFoundError, UnauthenticatedError
from subgraphs.kit.tables import users
from subgraphs.users.loaders import user_loader


class AccountDeactivatedError(AlthausError):
    code = "ACCOUNT_DEACTIVATED"


def parse_user_id(value: str, argument: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFoundError(f"{argument}: no user with id {value!r}") from None


async def signed_in_user(context: SubgraphContext) -> Any:
    """The principal's own user row; refuses guests, API keys and deactivated accounts."""
    principal = context.principal
    if principal.kind != "user" or not principal.sub:
        raise UnauthenticatedError("sign in as a user to do this")
    row = await user_loader(context).load(principal.sub)
    if row is None:
        raise UnauthenticatedError("your account no longer exists")
    if not row.is_active:
        raise AccountDeactivatedError("your account is deactivated")
    return row


async def require_active_principal(context: SubgraphContext) -> None:
    """A user principal must still be active (its access token may outlive a deactivation)."""
    if context.principal.kind == "user":
        await signed_in_user(context)


async def find_by_login(session: AsyncSession, login: str) -> Any:
    value = login.strip().lower()
    result = await session.execute(
        select(users).where(or_(users.c.email == value, users.c.username == value))
    )
    return result.first()


async def get_for_update(session: AsyncSession, user_id: uuid.UUID) -> Any:
    result = await session.execute(select(users).where(users.c.id == user_id).with_for_update())
    row = result.first()
    if row is None:
        raise NotFoundError(f"no user with id {user_id}")
    return row


async def taken(
    session: AsyncSession, *, email: str | None, username: str | None, but: uuid.UUID | None = None
) -> str | None:
    """'email' or 'username' when another account already uses it."""
    for column, value in (("email", email), ("username", username)):
        if value is None:
            continue
        query = select(func.count()).select_from(users).where(users.c[column] == value)
        if but is not None:
            query = query.where(users.c.id != but)
        if await session.scalar(query):
            return column
    return None

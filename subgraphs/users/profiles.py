"""Reading and managing accounts: me, user, users, profile and password changes, admin actions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import strawberry
from sqlalchemy import and_, func, or_, select, update
from strawberry.types import Info

from core.security import passwords
from core.security.roles import ASSIGNABLE_ROLES
from subgraphs.kit import audit
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.errors import (
    AlthausError,
    BadUserInputError,
    ConflictError,
    ForbiddenError,
    client_error,
)
from subgraphs.kit.pagination import Edge, PageInfo, decode_cursor, encode_cursor, page_size
from subgraphs.kit.tables import users
from subgraphs.users import sessions
from subgraphs.users.accounts import (
    get_for_update,
    parse_user_id,
    require_active_principal,
    signed_in_user,
    taken,
)
from subgraphs.users.loaders import user_loader
from subgraphs.users.types import (
    ChangePasswordInput,
    UpdateProfileInput,
    User,
    UserConnection,
    UserFilter,
)

Ctx = Info[SubgraphContext, None]


class WrongPasswordError(AlthausError):
    code = "INVALID_CREDENTIALS"


async def me(info: Ctx) -> User | None:
    """The signed-in user; null for an API key."""
    if info.context.principal.kind != "user":
        return None
    return User.from_row(await signed_in_user(info.context))


async def user(info: Ctx, id: strawberry.ID) -> User | None:
    await require_active_principal(info.context)
    row = await user_loader(info.context).load(str(id))
    return None if row is None else User.from_row(row)


async def users_page(
    info: Ctx, first: int | None = None, after: str | None = None, filter: UserFilter | None = None
) -> UserConnection:
    await require_active_principal(info.context)
    size = page_size(first)
    conditions: list[Any] = []
    if filter is not None:
        if filter.role is not None:
            conditions.append(users.c.role == filter.role)
        if filter.is_active is not None:
            conditions.append(users.c.is_active == filter.is_active)
        if filter.search:
            pattern = (
                "%"
                + filter.search.lower()
                .replace("\\", "\\\\")
                .replace("%", "\\%")
                .replace("_", "\\_")
                + "%"
            )
            conditions.append(or_(users.c.email.like(pattern), users.c.username.like(pattern)))
    query = select(users).where(*conditions)
    if after is not None:
        created, last_id = decode_cursor(after, 2)
        try:
            created_at = datetime.fromisoformat(str(created))
            after_id = uuid.UUID(str(last_id))
        except ValueError:
            raise BadUserInputError(f"after: {after!r} is not a cursor from this list") from None
        query = query.where(
            or_(
                users.c.created_at > created_at,
                and_(users.c.created_at == created_at, users.c.id > after_id),
            )
        )
    query = query.order_by(users.c.created_at, users.c.id).limit(size + 1)
    async with info.context.db() as session:
        rows = (await session.execute(query)).all()
        total = (
            await session.scalar(select(func.count()).select_from(users).where(*conditions)) or 0
        )
    page = rows[:size]
    edges = [
        Edge(node=User.from_row(r), cursor=encode_cursor(r.created_at.isoformat(), str(r.id)))
        for r in page
    ]
    return UserConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=int(total),
    )


async def update_profile(info: Ctx, input: UpdateProfileInput) -> User:
    context = info.context
    me_row = await signed_in_user(context)
    target_id = parse_user_id(input.id) if input.id is not None else me_row.id
    if target_id != me_row.id and me_row.role != "admin":
        raise ForbiddenError("you can only edit your own profile")
    try:
        email = passwords.normalize_email(input.email) if input.email is not None else None
        username = (
            passwords.normalize_username(input.username) if input.username is not None else None
        )
    except (passwords.InvalidEmailError, passwords.InvalidUsernameError) as exc:
        raise client_error(exc) from None
    async with context.db() as session:
        await get_for_update(session, target_id)
        clash = await taken(session, email=email, username=username, but=target_id)
        if clash:
            raise ConflictError(f"that {clash} is already registered", field=clash)
        changes: dict[str, Any] = {"updated_at": datetime.now(UTC)}
        if email is not None:
            changes["email"] = email
        if username is not None:
            changes["username"] = username
        row = (
            await session.execute(
                update(users).where(users.c.id == target_id).values(**changes).returning(users)
            )
        ).one()
        changed = sorted(k for k in changes if k != "updated_at")
        await audit.record(
            session, "user.update_profile", "user", str(target_id), {"changed": changed}
        )
    return User.from_row(row)


async def change_password(info: Ctx, input: ChangePasswordInput) -> bool:
    context = info.context
    me_row = await signed_in_user(context)
    if not await passwords.verify_password_async(me_row.password_hash, input.current_password):
        raise WrongPasswordError("the current password is wrong")
    try:
        passwords.check_password_policy(
            input.new_password, email=me_row.email, username=me_row.username
        )
    except passwords.PasswordPolicyError as exc:
        raise client_error(exc) from None
    new_hash = await passwords.hash_password_async(input.new_password)
    async with context.db() as session:
        keep = None
        if input.refresh_token:
            stored = await sessions.find_refresh_token(session, input.refresh_token)
            if stored is not None and stored.user_id == me_row.id:
                keep = stored.family_id
        await session.execute(
            update(users)
            .where(users.c.id == me_row.id)
            .values(password_hash=new_hash, updated_at=datetime.now(UTC))
        )
        revoked = await sessions.revoke_user_tokens(session, me_row.id, keep_family=keep)
        await audit.record(
            session, "user.change_password", "user", str(me_row.id), {"revokedSessions": revoked}
        )
    return True


async def set_user_role(info: Ctx, user_id: strawberry.ID, role: str) -> User:
    context = info.context
    await require_active_principal(context)
    if role not in ASSIGNABLE_ROLES:
        raise BadUserInputError(f"role must be one of {', '.join(ASSIGNABLE_ROLES)}, got {role!r}")
    target = parse_user_id(user_id, "userId")
    if context.principal.sub == str(target):
        raise ForbiddenError("you cannot change your own role")
    async with context.db() as session:
        before = await get_for_update(session, target)
        row = (
            await session.execute(
                update(users)
                .where(users.c.id == target)
                .values(role=role, updated_at=datetime.now(UTC))
                .returning(users)
            )
        ).one()
        if before.role != role:
            # Tokens carrying the old role must not outlive the change.
            await sessions.revoke_access_tokens(context, target)
        await audit.record(
            session, "user.set_role", "user", str(target), {"from": before.role, "to": role}
        )
    return User.from_row(row)


async def _set_active(info: Ctx, user_id: strawberry.ID, active: bool) -> User:
    context = info.context
    await require_active_principal(context)
    target = parse_user_id(user_id, "userId")
    if context.principal.sub == str(target):
        raise ForbiddenError("you cannot activate or deactivate your own account")
    async with context.db() as session:
        await get_for_update(session, target)
        row = (
            await session.execute(
                update(users)
                .where(users.c.id == target)
                .values(is_active=active, updated_at=datetime.now(UTC))
                .returning(users)
            )
        ).one()
        details: dict[str, Any] = {}
        if not active:
            details["revokedSessions"] = await sessions.revoke_user_tokens(session, target)
            await sessions.revoke_access_tokens(context, target)
        action = "user.activate" if active else "user.deactivate"
        await audit.record(session, action, "user", str(target), details)
    return User.from_row(row)


async def deactivate_user(info: Ctx, user_id: strawberry.ID) -> User:
    return await _set_active(info, user_id, False)


async def activate_user(info: Ctx, user_id: strawberry.ID) -> User:
    return await _set_active(info, user_id, True)

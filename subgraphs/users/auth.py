"""Signing up, in and out: register, login, refreshToken, logout."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from strawberry.types import Info

from core.security import passwords
from subgraphs.kit import audit
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.errors import AlthausError, ConflictError, ForbiddenError, client_error
from subgraphs.kit.platform_settings import read_setting
from subgraphs.kit.tables import users
from subgraphs.users import sessions
from subgraphs.users.accounts import AccountDeactivatedError, find_by_login, taken
from subgraphs.users.throttle import LoginThrottle
from subgraphs.users.types import AuthPayload, LoginInput, RegisterInput, User

# Verified against when the login matches no account, so both paths cost one argon2 hash.
_DUMMY_HASH = passwords.hash_password("not-a-real-password-for-timing")


class InvalidCredentialsError(AlthausError):
    code = "INVALID_CREDENTIALS"


class InvalidRefreshTokenError(AlthausError):
    code = "INVALID_REFRESH_TOKEN"


class RefreshTokenReusedError(AlthausError):
    code = "REFRESH_TOKEN_REUSED"


class RegistrationClosedError(AlthausError):
    code = "REGISTRATION_CLOSED"


Ctx = Info[SubgraphContext, None]


async def _payload(
    context: SubgraphContext, session: Any, user: Any, family: uuid.UUID | None = None
) -> AuthPayload:
    access = await sessions.issue_access_token(session, context.settings, user)
    refresh = await sessions.new_refresh_token(session, user.id, context.request_context, family)
    return AuthPayload(
        access_token=access.token,
        refresh_token=refresh,
        expires_in=access.expires_in,
        user=User.from_row(user, own=True),
    )


async def register(info: Ctx, input: RegisterInput) -> AuthPayload:
    context = info.context
    try:
        email = passwords.normalize_email(input.email)
        username = passwords.normalize_username(input.username)
        passwords.check_password_policy(input.password, email=email, username=username)
    except (
        passwords.InvalidEmailError,
        passwords.InvalidUsernameError,
        passwords.PasswordPolicyError,
    ) as exc:
        raise client_error(exc) from None
    password_hash = await passwords.hash_password_async(input.password)
    async with context.db() as session:
        if not await read_setting(session, "auth.registrationOpen", True):
            raise RegistrationClosedError(
                "registration is closed; ask an administrator for an account"
            )
        clash = await taken(session, email=email, username=username)
        if clash:
            raise ConflictError(f"that {clash} is already registered", field=clash)
        try:
            user = (
                await session.execute(
                    users.insert()
                    .values(
                        email=email, username=username, password_hash=password_hash, role="viewer"
                    )
                    .returning(users)
                )
            ).one()
        except IntegrityError:
            raise ConflictError("that email or username is already registered") from None
        await audit.record(
            session,
            "user.register",
            "user",
            str(user.id),
            {"username": username},
            actor_id=str(user.id),
        )
        return await _payload(context, session, user)


async def login(info: Ctx, input: LoginInput) -> AuthPayload:
    context = info.context
    ip = context.request_context.ip
    throttle = LoginThrottle(context.redis, context.settings.redis_prefix)
    async with context.db() as session:
        user = await find_by_login(session, input.login)
        account = throttle.account(user.id if user else None, input.login)
        await throttle.check(account, ip)
        valid = await passwords.verify_password_async(
            user.password_hash if user else _DUMMY_HASH, input.password
        )
        if user is None or not valid:
            await throttle.failed(account, ip)
            raise InvalidCredentialsError("wrong login or password")
        await throttle.succeeded(account)
        if not user.is_active:
            raise AccountDeactivatedError("this account is deactivated")
        changes: dict[str, Any] = {"last_login": datetime.now(UTC)}
        if passwords.needs_rehash(user.password_hash):
            changes["password_hash"] = await passwords.hash_password_async(input.password)
        user = (
            await session.execute(
                update(users).where(users.c.id == user.id).values(**changes).returning(users)
            )
        ).one()
        await audit.record(
            session,
            "user.login",
            "user",
            str(user.id),
            {"rehashed": "password_hash" in changes},
            actor_id=str(user.id),
        )
        return await _payload(context, session, user)


async def refresh_token(info: Ctx, refresh_token: str) -> AuthPayload:
    context = info.context
    async with context.db() as session:
        stored = await sessions.find_refresh_token(session, refresh_token)
        if stored is None or (stored.revoked_at is not None and stored.used_at is None):
            raise InvalidRefreshTokenError("this refresh token is not valid; sign in again")
        if stored.used_at is not None:
            revoked = await sessions.revoke_family(session, stored.family_id)
            await audit.record(
                session,
                "auth.refresh_token_reuse",
                "refresh_token_family",
                str(stored.family_id),
                {"revoked": revoked},
                actor_id=str(stored.user_id),
            )
            reused = True
        else:
            reused = False
    if reused:
        # The revocation must stand although this request fails.
        await context.commit_now()
        raise RefreshTokenReusedError(
            "this refresh token was already used; every session of it is revoked"
        )
    async with context.db() as session:
        if stored.expires_at <= datetime.now(UTC):
            raise InvalidRefreshTokenError("this refresh token has expired; sign in again")
        user = (await session.execute(users.select().where(users.c.id == stored.user_id))).first()
        if user is None or not user.is_active:
            raise AccountDeactivatedError("this account is deactivated")
        await session.execute(
            sessions.refresh_tokens.update()
            .where(sessions.refresh_tokens.c.id == stored.id)
            .values(used_at=datetime.now(UTC))
        )
        await audit.record(
            session,
            "user.token_refresh",
            "user",
            str(user.id),
            {"family": str(stored.family_id)},
            actor_id=str(user.id),
        )
        return await _payload(context, session, user, stored.family_id)


async def logout(info: Ctx, refresh_token: str | None = None) -> bool:
    """Revoke the session of `refreshToken`, or (signed in, no token) every session of the user."""
    context = info.context
    principal = context.principal
    async with context.db() as session:
        if refresh_token is not None:
            stored = await sessions.find_refresh_token(session, refresh_token)
            if stored is None:
                return False
            if principal.kind == "user" and principal.sub != str(stored.user_id):
                raise ForbiddenError("that refresh token belongs to someone else")
            revoked = await sessions.revoke_family(session, stored.family_id)
            user_id = str(stored.user_id)
        elif principal.kind == "user" and principal.sub:
            user_id = principal.sub
            revoked = await sessions.revoke_user_tokens(session, uuid.UUID(user_id))
        else:
            return False
        await audit.record(
            session, "user.logout", "user", user_id, {"revoked": revoked}, actor_id=user_id
        )
        return True

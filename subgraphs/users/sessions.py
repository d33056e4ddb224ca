"""Sign-in sessions: access tokens plus opaque refresh tokens, stored hashed and rotated on use.

Each sign-in starts a family; refreshing marks the presented token used and issues the next one
in the same family. Presenting a used token again means it leaked: the whole family is revoked.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.security import access_tokens, revocations
from core.security.principal import RequestContext
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.errors import AlthausError
from subgraphs.kit.platform_settings import read_setting
from subgraphs.kit.tables import refresh_tokens

REFRESH_TTL = timedelta(days=30)

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signing_key(settings: Settings) -> access_tokens.SigningKey:
    if not settings.jwt_private_key:
        raise RuntimeError("JWT_PRIVATE_KEY is not set; the users subgraph cannot sign tokens")
    return _signing_key(settings.jwt_private_key)


_keys: dict[str, access_tokens.SigningKey] = {}


def _signing_key(pem: str) -> access_tokens.SigningKey:
    key = _keys.get(pem)
    if key is None:
        key = _keys[pem] = access_tokens.SigningKey.from_pem(pem)
    return key


async def issue_access_token(
    session: AsyncSession, settings: Settings, user: Any
) -> access_tokens.IssuedToken:
    ttl = await read_setting(
        session, "auth.accessTokenTtlSeconds", access_tokens.DEFAULT_TTL_SECONDS
    )
    return access_tokens.issue(
        signing_key(settings),
        sub=str(user.id),
        role=user.role,
        email=user.email,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=int(ttl),
    )


async def new_refresh_token(
    session: AsyncSession,
    user_id: uuid.UUID,
    context: RequestContext,
    family_id: uuid.UUID | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    await session.execute(
        refresh_tokens.insert().values(
            id=uuid.uuid4(),
            user_id=user_id,
            family_id=family_id or uuid.uuid4(),
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + REFRESH_TTL,
            ip=context.ip,
            user_agent=context.user_agent,
        )
    )
    return token


async def find_refresh_token(session: AsyncSession, token: str) -> Any:
    """The stored row of a refresh token, locked for this transaction; None when unknown."""
    result = await session.execute(
        select(refresh_tokens)
        .where(refresh_tokens.c.token_hash == token_hash(token))
        .with_for_update()
    )
    return result.first()


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> int:
    result = await session.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def revoke_user_tokens(
    session: AsyncSession, user_id: uuid.UUID, keep_family: uuid.UUID | None = None
) -> int:
    condition = [refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None)]
    if keep_family is not None:
        condition.append(refresh_tokens.c.family_id != keep_family)
    result = await session.execute(
        update(refresh_tokens).where(*condition).values(revoked_at=datetime.now(UTC))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class TokenRevocationFailedError(AlthausError):
    code = "TOKEN_REVOCATION_FAILED"


async def revoke_access_tokens(context: SubgraphContext, user_id: uuid.UUID) -> None:
    """Refuse the user's access tokens issued until now, at the gateway and in every subgraph
    (`core.security.revocations`); for a deactivation or a role change.

    Recorded now, inside the operation's transaction, so that Redis being unreachable fails
    the mutation (nothing changed) rather than leave the tokens working; and recorded again
    once the transaction has committed, so that a token issued by a refresh that read the
    account before the commit is refused too.
    """
    redis, settings, sub = context.redis, context.settings, str(user_id)
    try:
        await revocations.record(redis, settings, sub)
    except RedisError as exc:
        raise TokenRevocationFailedError(
            f"the account's access tokens could not be revoked ({exc}); nothing was changed, "
            "try again"
        ) from None

    async def once_committed() -> None:
        try:
            await revocations.record(redis, settings, sub)
        except RedisError:
            log.exception(
                "access tokens revoked before the commit only", extra={"context": {"user": sub}}
            )

    context.after_commit(once_committed)

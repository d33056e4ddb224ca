"""Revoked access tokens: a user whose tokens issued until a moment are refused everywhere.

When an account is deactivated or its role changes, the users subgraph records the user id in
Redis (`<prefix>auth:revoked:<user id>`, the value the revocation time in Unix seconds, kept as
long as any access token can live) and announces it on `<prefix>auth:revoked`. A token whose
`sub` has a record is refused when it was issued (`iat`) at or before that time; tokens issued
later (after a re-activation, or a refresh with the new role) pass. JWT `iat` has whole seconds,
so a token issued in the very second of a revocation is refused too: the safe side.

Subgraphs read the record per request (`revoked_at`); the gateway keeps every record in memory
(`RevocationFollower`), so its check is a dict lookup.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Final

import orjson
import redis.asyncio as aioredis

from core import channels
from core.config import Settings

MAX_ACCESS_TOKEN_SECONDS: Final = 86400
"""The longest `auth.accessTokenTtlSeconds` allows: after that, every token a record refuses
has expired anyway."""
RECORD_SECONDS: Final = MAX_ACCESS_TOKEN_SECONDS + 60
"""How long a record is kept: the longest token life plus room for verifiers' clock leeway."""
KEY_PREFIX: Final = "auth:revoked:"
CHANNEL: Final = "auth:revoked"

log = logging.getLogger(__name__)


def key(settings: Settings, user_id: str) -> str:
    return settings.redis_key(f"{KEY_PREFIX}{user_id}")


def channel(settings: Settings) -> str:
    return settings.redis_key(CHANNEL)


def refuses(revoked_at: float | None, issued_at: float | None) -> bool:
    """Whether a token issued at `issued_at` falls under a revocation at `revoked_at`.

    A token whose issue time is unknown (`None`) is refused whenever there is a record.
    """
    return revoked_at is not None and (issued_at is None or issued_at <= revoked_at)


async def record(
    redis: aioredis.Redis, settings: Settings, user_id: str, *, now: float | None = None
) -> float:
    """Revoke every token of `user_id` issued until now; announce it. Returns the time used."""
    at = time.time() if now is None else now
    await redis.set(key(settings, user_id), repr(at), ex=RECORD_SECONDS)
    await redis.publish(channel(settings), orjson.dumps({"sub": user_id, "at": at}))
    return at


async def revoked_at(redis: aioredis.Redis, settings: Settings, user_id: str) -> float | None:
    """The time of the user's revocation, or None when there is none (or it expired)."""
    return _time(await redis.get(key(settings, user_id)))


def _time(raw: Any) -> float | None:
    if raw is None:
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


class RevocationFollower:
    """Every revocation record, in memory, for a check that costs a dict lookup.

    Loaded at start (SCAN of the records), kept current by the announcements (resubscribing
    after a lost connection, and reloading then, since announcements made meanwhile are lost),
    and reloaded in full every `reload_seconds` as a fallback. Records are only ever added
    (a re-activation lets newer tokens through by their `iat`, not by removing the record) and
    dropped from memory once older than any token could be. While Redis is unreachable, the
    records already known keep being enforced.
    """

    def __init__(
        self,
        redis: aioredis.Redis,
        settings: Settings,
        *,
        reload_seconds: float = 60.0,
        retry_seconds: float = 2.0,
        first_load_seconds: float = 3.0,
    ) -> None:
        self.redis = redis
        self.settings = settings
        self.reload_seconds = reload_seconds
        self.retry_seconds = retry_seconds
        self.first_load_seconds = first_load_seconds
        self._revoked: dict[str, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._loaded = asyncio.Event()
        self._subscribed = asyncio.Event()

    def refuses(self, user_id: str, issued_at: float | None) -> bool:
        """Whether a token of `user_id` issued at `issued_at` is revoked (on the request path)."""
        revoked = self._revoked.get(user_id)
        return revoked is not None and (issued_at is None or issued_at <= revoked)

    def note(self, user_id: str, at: float) -> None:
        """Apply one revocation (the latest time wins)."""
        if at > self._revoked.get(user_id, float("-inf")):
            self._revoked[user_id] = at

    @property
    def revoked(self) -> dict[str, float]:
        """A copy of what is known: user id -> revocation time."""
        return dict(self._revoked)

    async def start(self) -> None:
        """Subscribe and load; serve once loaded, or after `first_load_seconds` at most (the
        loading then goes on in the background and is logged)."""
        if self._tasks:
            return
        self._tasks = [
            asyncio.create_task(self._follow(), name="revocations-follow"),
            asyncio.create_task(self._reload_periodically(), name="revocations-reload"),
        ]
        try:
            async with asyncio.timeout(self.first_load_seconds):
                await self._loaded.wait()
        except TimeoutError:
            log.warning(
                "revoked access tokens not loaded yet; loading in the background",
                extra={"context": {"waited_seconds": self.first_load_seconds}},
            )

    async def wait_subscribed(self) -> None:
        """Until the announcements are followed (for tests and orderly start-up)."""
        await self._subscribed.wait()

    async def close(self) -> None:
        tasks, self._tasks = self._tasks, []
        await channels.cancel(tasks)

    async def reload(self) -> int:
        """Read every record from Redis and merge it in; drop what has outlived every token.

        Returns how many records are known afterwards. Redis errors propagate.
        """
        pattern = key(self.settings, "*")
        found: dict[str, float] = {}
        start = len(key(self.settings, ""))
        batch: list[bytes] = []
        async for name in self.redis.scan_iter(match=pattern, count=500):
            batch.append(name)
            if len(batch) >= 500:
                found.update(await self._read(batch, start))
                batch = []
        if batch:
            found.update(await self._read(batch, start))
        for user_id, at in found.items():
            self.note(user_id, at)
        oldest = time.time() - RECORD_SECONDS
        # Replaced, not edited, so a check running meanwhile sees one map or the other.
        self._revoked = {u: at for u, at in self._revoked.items() if at >= oldest}
        self._loaded.set()
        return len(self._revoked)

    async def _read(self, names: list[bytes], start: int) -> dict[str, float]:
        values = await self.redis.mget(names)
        found: dict[str, float] = {}
        for name, raw in zip(names, values, strict=True):
            at = _time(raw)
            if at is not None:
                found[name.decode()[start:]] = at
        return found

    def _on_message(self, data: Any) -> None:
        try:
            message = orjson.loads(data)
            user_id, at = message["sub"], float(message["at"])
            if not isinstance(user_id, str) or not user_id:
                raise ValueError("no user id")
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            log.warning("ignored a revocation announcement", extra={"context": {"error": str(exc)}})
            return
        self.note(user_id, at)

    async def _follow(self) -> None:
        async def subscribed() -> None:
            self._subscribed.set()
            # Subscribed first, then loaded: nothing recorded in between is missed.
            await self.reload()

        await channels.follow(
            self.redis,
            channel(self.settings),
            self._on_message,
            on_subscribed=subscribed,
            retry_seconds=self.retry_seconds,
            what="revocation announcements",
        )

    async def _reload_periodically(self) -> None:
        await channels.repeat(
            self.reload_seconds,
            self.reload,
            failure="revoked access tokens not reloaded; trying again later",
        )

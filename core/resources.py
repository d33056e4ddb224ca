"""The shared connections of one process: database engine, session factory, Redis client."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core import db
from core import redis as core_redis
from core.config import Settings
from core.embedded import resolve


@dataclass(eq=False)
class Resources:
    """One connection pool per process, shared by every service mounted in it.

    `settings` is the resolved settings (embedded URLs and generated secrets filled in).
    """

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    redis: aioredis.Redis

    @classmethod
    async def open(cls, settings: Settings) -> Resources:
        return cls.build(settings)

    @classmethod
    def build(cls, settings: Settings) -> Resources:
        """The same as `open`, callable outside an event loop: nothing connects until first use
        (so the pools belong to whichever loop first uses them; close them in that loop)."""
        resolved = resolve(settings)
        assert resolved.database_url is not None and resolved.redis_url is not None
        engine = db.create_engine(resolved.database_url)
        return cls(
            settings=resolved,
            engine=engine,
            session_factory=db.create_session_factory(engine),
            redis=core_redis.connect(resolved.redis_url),
        )

    async def close(self) -> None:
        await self.redis.aclose()
        await self.engine.dispose()

    async def __aenter__(self) -> Resources:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

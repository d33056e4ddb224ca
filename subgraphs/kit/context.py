"""What every resolver gets in `info.context`: principal, request facts, settings, DB, Redis."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request

from core.config import Settings
from core.security.principal import Principal, RequestContext


class SubgraphResources(Protocol):
    """The part of `core.resources.Resources` a subgraph uses."""

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def redis(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class RequestActor:
    """Who did it and from where: what an audit row records."""

    principal: Principal
    context: RequestContext


current_actor: contextvars.ContextVar[RequestActor | None] = contextvars.ContextVar(
    "althaus_current_actor", default=None
)


@dataclass
class SubgraphContext:
    """Per-request context. The DB session is opened on first use and shared by the operation.

    Sibling fields resolve concurrently, and one SQLAlchemy session must not be used by two
    coroutines at once, so every use goes through `db()`, which serialises them.
    """

    request: Request
    principal: Principal
    request_context: RequestContext
    settings: Settings
    resources: SubgraphResources
    loaders: dict[str, Any] = field(default_factory=dict)
    _session: AsyncSession | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _after_commit: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    @property
    def redis(self) -> Any:
        return self.resources.redis

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        """The operation's session, held exclusively for the block."""
        async with self._lock:
            if self._session is None:
                self._session = self.resources.session_factory()
            yield self._session

    async def finish(self, *, commit: bool) -> None:
        """Commit (or roll back) the operation's transaction and close the session."""
        session, self._session = self._session, None
        callbacks, self._after_commit = self._after_commit, []
        if session is None:
            return
        try:
            if commit:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()
        if commit:
            for callback in callbacks:
                await callback()

    def after_commit(self, callback: Callable[[], Awaitable[object]]) -> None:
        """Run `callback` once the operation's transaction has committed (e.g. drop a cache)."""
        self._after_commit.append(callback)

    async def commit_now(self) -> None:
        """Commit what was done so far even though the operation will fail (a revocation the
        client must not be able to undo by failing its request)."""
        async with self._lock:
            if self._session is not None:
                await self._session.commit()

"""Where a gateway gets its supergraph: the stored versions, followed over Redis and by polling."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine

from core import channels
from core import supergraph_versions as versions
from core.config import Settings
from core.supergraph_versions import AnnouncementInvalid, SupergraphVersion

if TYPE_CHECKING:
    from supergraph.gateway import Gateway

log = logging.getLogger(__name__)


class StoredSupergraphSource:
    """Keeps a gateway on the newest stored supergraph version.

    At start it loads the latest stored version, or, when there is none (or the database cannot
    be read), the gateway's own loader (compose from the configured subgraphs, or a file). Then
    it follows announcements on `settings.redis_key("supergraph:changed")` and, as a fallback
    for missed messages, polls the table every `poll_seconds`. A version not newer than the
    one serving is ignored. Failures of Redis or the database are logged and retried.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        redis: aioredis.Redis,
        settings: Settings,
        *,
        poll_seconds: float = 5.0,
        retry_seconds: float = 2.0,
        first_read_seconds: float = 3.0,
    ) -> None:
        self.engine = engine
        self.first_read_seconds = first_read_seconds
        self.redis = redis
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.serving: int | None = None
        """The stored version the gateway serves (None while on its own loader's supergraph)."""
        self._gateway: Gateway | None = None
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()

    async def start(self, gateway: Gateway) -> None:
        """Begin in the background (the gateway's readiness says 503 until a version loads)."""
        if self._tasks:
            return
        self._gateway = gateway
        # One quick look at the table before serving, so a replica starts on the stored version
        # rather than composing something older first; anything slower goes to the background.
        loaded = False
        try:
            async with asyncio.timeout(self.first_read_seconds):
                loaded = await self.refresh()
        except Exception as exc:
            log.warning(
                "stored supergraph versions not read at start; trying in the background",
                extra={"context": {"error": _reason(exc) or "timed out"}},
            )
        first = [] if loaded else [self._first_load()]
        self._tasks = [
            *(asyncio.create_task(c, name="supergraph-first-load") for c in first),
            asyncio.create_task(self._follow(), name="supergraph-follow"),
            asyncio.create_task(self._poll(), name="supergraph-poll"),
        ]

    async def wait_subscribed(self) -> None:
        """Until the announcement subscription is in place (for tests and orderly start-up)."""
        await self._subscribed.wait()

    async def close(self) -> None:
        tasks, self._tasks = self._tasks, []
        await channels.cancel(tasks)

    async def refresh(self, version: int | None = None) -> bool:
        """Load `version` (else the latest) when newer than the one serving; True if loaded.

        Database errors propagate to the caller, which logs and retries.
        """
        async with self._lock:
            if version is not None and self._is_serving_at_least(version):
                return False
            async with self.engine.connect() as conn:
                found = await (
                    versions.get(conn, version) if version is not None else versions.latest(conn)
                )
            if found is None or self._is_serving_at_least(found.version):
                return False
            await self._load(found)
            return True

    def _is_serving_at_least(self, version: int) -> bool:
        return self.serving is not None and version <= self.serving

    async def _load(self, found: SupergraphVersion) -> None:
        assert self._gateway is not None
        await self._gateway.load(found.sdl, version=found.version, urls=found.subgraphs)
        self.serving = found.version
        log.info(
            "stored supergraph version loaded",
            extra={"context": {"version": found.version, "hash": found.hash}},
        )

    async def _first_load(self) -> None:
        gateway = self._gateway
        assert gateway is not None
        delay = self.retry_seconds
        while True:
            try:
                if await self.refresh():
                    return
                break  # nothing stored yet
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if gateway.loader is not None:
                    log.warning(
                        "stored supergraph versions unreadable; using the configured supergraph",
                        extra={"context": {"error": _reason(exc)}},
                    )
                    break
                log.warning(
                    "stored supergraph versions unreadable; retrying",
                    extra={"context": {"error": _reason(exc), "retry_in": delay}},
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
        if gateway.loader is None or gateway.snapshot is not None:
            return
        await self._fallback(gateway)

    async def _fallback(self, gateway: Gateway) -> None:
        """The gateway's own loader, retried until it works or a stored version takes over."""
        assert gateway.loader is not None
        delay = self.retry_seconds
        while self.serving is None:
            try:
                sdl = await gateway.loader()
                async with self._lock:
                    if self.serving is None:
                        await gateway.load(sdl)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "supergraph not loaded yet; retrying",
                    extra={"context": {"error": _reason(exc), "retry_in": delay}},
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _follow(self) -> None:
        """Subscribe to announcements; on a lost connection, resubscribe and catch up."""

        async def subscribed() -> None:
            self._subscribed.set()
            await self._catch_up()

        await channels.follow(
            self.redis,
            versions.channel(self.settings),
            self._on_announcement,
            on_subscribed=subscribed,
            retry_seconds=self.retry_seconds,
            what="supergraph announcements",
        )

    async def _catch_up(self) -> None:
        """After (re)subscribing, a version may have been announced while nobody listened."""
        if self.serving is None:
            return  # the first load is still under way; it reads the latest itself
        try:
            await self.refresh()
        except Exception as exc:
            log.warning(
                "stored supergraph version unreadable; the poll will retry",
                extra={"context": {"error": _reason(exc)}},
            )

    async def _on_announcement(self, data: Any) -> None:
        try:
            announcement = versions.parse_announcement(data)
        except AnnouncementInvalid as exc:
            log.warning("ignored a supergraph announcement", extra={"context": {"error": str(exc)}})
            return
        try:
            await self.refresh(announcement.version)
        except Exception as exc:
            log.warning(
                "announced supergraph version not loaded; the poll will retry",
                extra={"context": {"version": announcement.version, "error": _reason(exc)}},
            )

    async def _poll(self) -> None:
        await channels.repeat(
            self.poll_seconds,
            self.refresh,
            failure="stored supergraph versions unreadable; polling again",
        )


_reason = channels.first_line

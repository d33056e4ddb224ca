"""The gateway: an immutable snapshot of supergraph, planner, executor and transports, swapped."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Protocol

from core.config import Settings
from supergraph.execute.executor import Executor
from supergraph.loaders import (
    SDL_QUERY,
    SupergraphLoader,
    SupergraphLoadError,
    compose_from_subgraphs,
    file_loader,
)
from supergraph.model import Supergraph
from supergraph.plan import QueryPlanner
from supergraph.snapshot import BoundedCache, GatewaySnapshot, PreparedDocument
from supergraph.transport.base import SubgraphTransport
from supergraph.transport.factory import create_transport

__all__ = [
    "SDL_QUERY",
    "BoundedCache",
    "Gateway",
    "GatewaySnapshot",
    "PreparedDocument",
    "SupergraphLoadError",
    "SupergraphLoader",
    "SupergraphSource",
    "compose_from_subgraphs",
    "create_gateway",
    "file_loader",
]

log = logging.getLogger(__name__)

TransportFactory = Callable[[str, str, float], SubgraphTransport]


class SupergraphSource(Protocol):
    """Where a gateway gets its supergraph over time (e.g. the stored versions): started by
    `Gateway.start` instead of the one-shot loader, closed by `Gateway.close`."""

    async def start(self, gateway: Gateway) -> None: ...

    async def close(self) -> None: ...


class Gateway:
    """Holds the current snapshot; `load` builds the next one and swaps it in one assignment.

    A request reads `gateway.snapshot` once at its start and uses only that object, so a swap
    never changes what a running request sees. Transports are shared between snapshots while a
    subgraph keeps its URL; a transport no longer used is closed after a grace period that lets
    the requests still running on the old snapshot finish.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transports: Mapping[str, SubgraphTransport] | None = None,
        transport_factory: TransportFactory | None = None,
        cache_size: int = 1000,
        mask_subgraph_errors: bool | None = None,
        loader: SupergraphLoader | None = None,
        retry_seconds: float = 2.0,
        source: SupergraphSource | None = None,
    ) -> None:
        self.settings = settings
        self.loader = loader
        self.source = source
        self.retry_seconds = retry_seconds
        self._starting: asyncio.Task[None] | None = None
        self._overrides = dict(transports or {})
        self._factory: TransportFactory = transport_factory or create_transport
        self._cache_size = cache_size
        self._mask = (
            settings.is_production if mask_subgraph_errors is None else mask_subgraph_errors
        )
        self._snapshot: GatewaySnapshot | None = None
        self._by_url: dict[tuple[str, str], SubgraphTransport] = {}
        self._load_lock = asyncio.Lock()
        self._retiring: set[asyncio.Task[None]] = set()
        self._stale: list[SubgraphTransport] = []  # retiring: closed after the grace period
        self._loaded = asyncio.Event()

    @property
    def snapshot(self) -> GatewaySnapshot | None:
        return self._snapshot

    def subgraph_url(self, name: str, declared: str) -> str:
        """`SUBGRAPH_<NAME>_URL` wins over the URL the supergraph declares."""
        return self.settings.subgraph_urls.get(name.lower(), declared)

    async def load(
        self, sdl: str, *, version: int | None = None, urls: Mapping[str, str] | None = None
    ) -> GatewaySnapshot:
        """Build a snapshot from a supergraph SDL and make it current; errors leave the old one.

        `version` numbers the snapshot (a stored version's number; else the previous one + 1);
        `urls` (name -> URL, a stored version's subgraphs) win over the SDL's and settings' URLs;
        in-process transports given to the gateway still win over both.
        """
        async with self._load_lock:
            supergraph = Supergraph.from_sdl(sdl)
            planner = QueryPlanner(supergraph)
            transports: dict[str, SubgraphTransport] = {}
            used: set[tuple[str, str]] = set()
            for name, info in supergraph.subgraphs.items():
                override = self._overrides.get(name)
                if override is not None:
                    transports[name] = override
                    continue
                url = urls[name] if urls and name in urls else self.subgraph_url(name, info.url)
                key = (name, url)
                transport = self._by_url.get(key)
                if transport is None:
                    transport = self._factory(name, url, self.settings.subgraph_timeout(name))
                    self._by_url[key] = transport
                transports[name] = transport
                used.add(key)
            executor = Executor(transports, supergraph.api_schema, mask_subgraph_errors=self._mask)
            previous = self._snapshot
            snapshot = GatewaySnapshot(
                version=version
                if version is not None
                else ((previous.version + 1) if previous else 1),
                supergraph=supergraph,
                planner=planner,
                executor=executor,
                transports=transports,
                cache_size=self._cache_size,
            )
            self._snapshot = snapshot
            self._loaded.set()
            unused = [key for key in self._by_url if key not in used]
            stale = [self._by_url.pop(key) for key in unused]
            if stale:
                self._stale.extend(stale)
                task = asyncio.create_task(self._retire(stale))
                self._retiring.add(task)
                task.add_done_callback(self._retiring.discard)
            log.info(
                "supergraph loaded",
                extra={
                    "context": {
                        "version": snapshot.version,
                        "hash": supergraph.hash,
                        "subgraphs": sorted(transports),
                    }
                },
            )
            return snapshot

    async def start(self) -> None:
        """Load from `loader` in the background, retrying until it works (readiness says 503
        meanwhile), so that a gateway may start before its subgraphs. With a `source`, the
        source is started instead (it falls back to `loader` itself when it has nothing)."""
        if self.source is not None:
            await self.source.start(self)
            return
        if self.loader is None or self._starting is not None:
            return
        self._starting = asyncio.create_task(self._load_until_loaded(self.loader))

    async def wait_loaded(self, seconds: float) -> bool:
        """Until a supergraph is loaded or `seconds` pass; True when one is."""
        try:
            async with asyncio.timeout(seconds):
                await self._loaded.wait()
        except TimeoutError:
            return False
        return True

    async def load_until_loaded(self, loader: SupergraphLoader) -> None:
        """Load from `loader`, retrying with backoff (2 s doubling to 30 s) until it works."""
        await self._load_until_loaded(loader)

    async def _load_until_loaded(self, loader: SupergraphLoader) -> None:
        delay = self.retry_seconds
        while True:
            try:
                await self.load(await loader())
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "supergraph not loaded yet; retrying",
                    extra={"context": {"error": str(exc), "retry_in": delay}},
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _retire(self, transports: list[SubgraphTransport]) -> None:
        # Long enough for the slowest request still running on one of them to end.
        longest = max((self.settings.subgraph_timeout(t.name) for t in transports), default=0.0)
        await asyncio.sleep(longest + 1)
        self._stale = [t for t in self._stale if all(t is not r for r in transports)]
        await asyncio.gather(*(t.close() for t in transports), return_exceptions=True)

    async def close(self) -> None:
        """Close every transport (overrides included) and forget the snapshot."""
        if self.source is not None:
            await self.source.close()
        if self._starting is not None:
            self._starting.cancel()
        for task in list(self._retiring):
            task.cancel()
        # Retiring transports too: their grace period ends with the gateway.
        transports = [*self._by_url.values(), *self._overrides.values(), *self._stale]
        self._stale = []
        self._by_url.clear()
        self._snapshot = None
        await asyncio.gather(*(t.close() for t in transports), return_exceptions=True)


def create_gateway(settings: Settings, *, supergraph_file: str | None = None) -> Gateway:
    """The gateway `althaus serve gateway` runs: over a supergraph file when given, else composed
    from the subgraphs at their configured URLs (`SUBGRAPH_<NAME>_URL`, default local ports)."""
    if supergraph_file is not None:
        return Gateway(settings, loader=file_loader(supergraph_file))
    return Gateway(settings, loader=compose_from_subgraphs(settings))

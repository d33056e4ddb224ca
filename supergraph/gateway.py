"""The gateway: an immutable snapshot of supergraph, planner, executor and transports, swapped."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, cast

import orjson
from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate

from core.config import CORE_SUBGRAPHS, Settings
from core.security import internal_token
from core.security.principal import Principal, RequestContext
from supergraph.authz.walk import RequirementSource, denied_fields
from supergraph.execute.executor import Executor
from supergraph.model import Supergraph
from supergraph.plan import QueryPlanner
from supergraph.plan.nodes import QueryPlan
from supergraph.transport.base import SubgraphTransport, TransportError
from supergraph.transport.factory import create_transport

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

TransportFactory = Callable[[str, str, float], SubgraphTransport]
SupergraphLoader = Callable[[], Awaitable[str]]


class SupergraphSource(Protocol):
    """Where a gateway gets its supergraph over time (e.g. the stored versions): started by
    `Gateway.start` instead of the one-shot loader, closed by `Gateway.close`."""

    async def start(self, gateway: Gateway) -> None: ...

    async def close(self) -> None: ...


class BoundedCache(Generic[K, V]):
    """A small LRU map: the request path reads and writes it without locks (one event loop)."""

    __slots__ = ("_items", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A query text parsed and validated against the API schema (errors instead when it is not)."""

    document: DocumentNode | None
    syntax_errors: tuple[GraphQLError, ...] = ()
    validation_errors: tuple[GraphQLError, ...] = ()

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.syntax_errors and not self.validation_errors


@dataclass(frozen=True, eq=False)
class GatewaySnapshot:
    """Everything one request needs, fixed for its whole life even if a new supergraph loads."""

    version: int
    supergraph: Supergraph
    planner: QueryPlanner
    executor: Executor
    transports: Mapping[str, SubgraphTransport]
    cache_size: int = 1000
    _documents: BoundedCache[str, PreparedDocument] = field(init=False)
    _denied: BoundedCache[tuple[Any, ...], frozenset[int]] = field(init=False)
    _plans: BoundedCache[tuple[Any, ...], QueryPlan] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_documents", BoundedCache(self.cache_size))
        object.__setattr__(self, "_denied", BoundedCache(self.cache_size * 4))
        object.__setattr__(self, "_plans", BoundedCache(self.cache_size * 2))

    @property
    def api_schema(self) -> GraphQLSchema:
        return self.supergraph.api_schema

    def prepare(self, query: str) -> PreparedDocument:
        """Parse and validate `query`, once per snapshot and query text."""
        cached = self._documents.get(query)
        if cached is not None:
            return cached
        try:
            document = parse(query)
        except GraphQLError as error:
            return self._documents.put(query, PreparedDocument(None, syntax_errors=(error,)))
        errors = validate(self.api_schema, document)
        return self._documents.put(
            query, PreparedDocument(document, validation_errors=tuple(errors))
        )

    def denied(
        self,
        query: str,
        document: DocumentNode,
        operation_name: str | None,
        authenticated: bool,
        scopes: frozenset[str],
    ) -> frozenset[int]:
        """Offsets of the fields this principal may not read (cached per operation and scopes)."""
        if not self.supergraph.has_auth:
            return frozenset()
        key = (query, operation_name, authenticated, scopes)
        cached = self._denied.get(key)
        if cached is not None:
            return cached
        result = denied_fields(
            cast(RequirementSource, self.supergraph),
            document,
            operation_name,
            authenticated=authenticated,
            scopes=scopes,
        )
        return self._denied.put(key, result)

    def plan(
        self, query: str, document: DocumentNode, operation_name: str | None, denied: frozenset[int]
    ) -> QueryPlan:
        key = (query, operation_name, denied)
        cached = self._plans.get(key)
        if cached is not None:
            return cached
        return self._plans.put(key, self.planner.plan(document, operation_name, denied))


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


def file_loader(path: str) -> SupergraphLoader:
    """Reads a supergraph SDL file (as `althaus gateway --supergraph FILE` does)."""

    async def load() -> str:
        return await asyncio.to_thread(_read_text, path)

    return load


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def create_gateway(settings: Settings, *, supergraph_file: str | None = None) -> Gateway:
    """The gateway `althaus serve gateway` runs: over a supergraph file when given, else composed
    from the subgraphs at their configured URLs (`SUBGRAPH_<NAME>_URL`, default local ports)."""
    if supergraph_file is not None:
        return Gateway(settings, loader=file_loader(supergraph_file))
    return Gateway(settings, loader=compose_from_subgraphs(settings))


def _declared_url(settings: Settings, name: str, *, in_process: bool) -> str:
    """The URL written into the supergraph for `name` (only informative for in-process ones)."""
    if in_process and name.lower() not in settings.subgraph_urls:
        return f"http://127.0.0.1:{settings.port}/subgraphs/{name}/graphql"
    return settings.subgraph_url(name)


class SupergraphLoadError(Exception):
    """The supergraph could not be built: a subgraph did not answer, or composition failed."""

    code = "SUPERGRAPH_LOAD_FAILED"


SDL_QUERY = b'{"query":"{ _service { sdl } }"}'


def compose_from_subgraphs(
    settings: Settings, transports: Mapping[str, SubgraphTransport] | None = None
) -> SupergraphLoader:
    """Asks each subgraph for its SDL (`_service { sdl }`) and composes them.

    With `transports` (name -> transport, e.g. in-process ASGI ones in `althaus dev`) those
    subgraphs are asked through them; otherwise the subgraphs named by `SUBGRAPH_<NAME>_URL`,
    or the four core ones when none is, are asked over HTTP at their configured URLs.
    """
    names = (
        sorted(transports) if transports else sorted(settings.subgraph_urls) or list(CORE_SUBGRAPHS)
    )

    async def fetch_sdl(name: str, url: str) -> str:
        given = transports.get(name) if transports else None
        transport = given or create_transport(name, url, settings.subgraph_timeout(name))
        headers = internal_token.headers_for(
            Principal.guest(), name, settings.internal_token_secret or "", RequestContext("compose")
        )
        try:
            raw = await transport.send(SDL_QUERY, headers)
        except TransportError as exc:
            raise SupergraphLoadError(f"subgraph {name!r} at {url}: {exc}") from None
        finally:
            if given is None:
                await transport.close()
        try:
            sdl = orjson.loads(raw)["data"]["_service"]["sdl"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise SupergraphLoadError(
                f"subgraph {name!r} at {url} did not answer {{ _service {{ sdl }} }}"
            ) from None
        if not isinstance(sdl, str):
            raise SupergraphLoadError(f"subgraph {name!r} at {url} answered no SDL")
        return sdl

    async def load() -> str:
        from supergraph.compose import SubgraphDefinition, compose

        definitions = []
        for name in names:
            url = _declared_url(settings, name, in_process=bool(transports))
            definitions.append(SubgraphDefinition(name, url, await fetch_sdl(name, url)))
        result = compose(definitions)
        if result.supergraph_sdl is None:
            raise SupergraphLoadError(
                "composition failed: " + "; ".join(str(e) for e in result.errors)
            )
        return result.supergraph_sdl

    return load

"""What one request sees: a supergraph with its planner, executor, transports and caches."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate

from supergraph.authz.walk import RequirementSource, denied_fields
from supergraph.execute.executor import Executor
from supergraph.model import Supergraph
from supergraph.plan import QueryPlanner
from supergraph.plan.nodes import QueryPlan
from supergraph.transport.base import SubgraphTransport

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


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

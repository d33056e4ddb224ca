"""The executor: runs a query plan against subgraphs and writes the client's response."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from graphql import GraphQLSchema, execute_sync

from supergraph.execute.coalesce import InflightOperations
from supergraph.execute.errors import (
    DOWNSTREAM_SERVICE_ERROR,
    INVALID_SUBGRAPH_RESPONSE,
    GraphQLError,
    internal_error,
    subgraph_error,
    transport_error,
)
from supergraph.execute.merge import merge_entity, merge_object
from supergraph.execute.representations import RepresentationBuilder, objects_at, paths_of
from supergraph.execute.requests import EncodedFetches, InflightQueries
from supergraph.execute.shape import CompiledShapes, ResponseShaper
from supergraph.execute.uploads import FetchFiles, files_in
from supergraph.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from supergraph.transport.base import MultipartTransport, SubgraphTransport, TransportError

log = logging.getLogger(__name__)

HeadersFor = Callable[[str], Mapping[str, str]]
# Told of every subgraph fetch: (subgraph, seconds, error code or None). Keep it to an append.
FetchObserver = Callable[[str, float, "str | None"], None]


class _Run:
    """The state of one execution: merged data, errors, and how to sign subgraph requests."""

    __slots__ = (
        "data",
        "errors",
        "headers",
        "headers_for",
        "on_fetch",
        "principal_key",
        "uploads",
        "variables",
    )

    def __init__(
        self,
        variables: Mapping[str, Any],
        headers_for: HeadersFor,
        principal_key: str,
        uploads: bool = False,
    ) -> None:
        self.data: dict[str, Any] = {}
        self.errors: list[GraphQLError] = []
        self.variables = variables
        self.headers_for = headers_for
        self.headers: dict[str, Mapping[str, str]] = {}  # per subgraph: signed once per request
        self.principal_key = principal_key
        self.on_fetch: FetchObserver | None = None
        self.uploads = uploads  # the variables hold files (supergraph.execute.uploads.Upload)


class Executor:
    """Runs plans on asyncio: Parallel concurrently, Sequence in order, entity calls batched."""

    def __init__(
        self,
        transports: Mapping[str, SubgraphTransport],
        api_schema: GraphQLSchema,
        *,
        mask_subgraph_errors: bool,
        coalesce_queries: bool = False,
    ) -> None:
        self.transports = dict(transports)
        self.api_schema = api_schema
        self.mask_subgraph_errors = mask_subgraph_errors
        self._encoded = EncodedFetches()
        self._builders: dict[int, tuple[FetchNode, RepresentationBuilder]] = {}
        self._inflight = InflightQueries()
        self._shapes = CompiledShapes()
        # Off by default: identical queries of one principal then share one whole execution.
        self._operations = InflightOperations() if coalesce_queries else None

    async def execute(
        self,
        plan: QueryPlan,
        variables: Mapping[str, Any] | None,
        headers_for: HeadersFor,
        principal_key: str,
        *,
        on_fetch: FetchObserver | None = None,
        uploads: bool = False,
    ) -> dict[str, Any]:
        """`uploads`: the variables hold uploaded files; each fetch whose variables contain one
        is sent as a multipart request (never shared with another request)."""
        if self._operations is not None and plan.operation_kind == "query" and not uploads:
            return await self._operations.run(
                plan,
                variables or {},
                principal_key,
                lambda: self._execute(plan, variables, headers_for, principal_key, on_fetch),
            )
        return await self._execute(plan, variables, headers_for, principal_key, on_fetch, uploads)

    async def _execute(
        self,
        plan: QueryPlan,
        variables: Mapping[str, Any] | None,
        headers_for: HeadersFor,
        principal_key: str,
        on_fetch: FetchObserver | None = None,
        uploads: bool = False,
    ) -> dict[str, Any]:
        run = _Run(variables or {}, headers_for, principal_key, uploads)
        run.on_fetch = on_fetch
        try:
            if plan.introspection is not None:
                self._introspect(plan, run)
            if plan.node is not None:
                await self._run_node(plan.node, run)
        except Exception:
            # Never let a bug become a stack trace for the client; keep the partial data.
            log.exception("query plan execution failed")
            run.errors.append(internal_error("Internal error while executing the query plan"))
        try:
            shape = self._shapes.get(plan.shape)
            data = ResponseShaper(run.variables, run.errors).shape_root(run.data, shape)
        except Exception:
            log.exception("response shaping failed")
            run.errors.append(internal_error("Internal error while writing the response"))
            data = None
        response: dict[str, Any] = {"data": data}
        if run.errors:
            response["errors"] = run.errors
        return response

    async def close(self) -> None:
        await asyncio.gather(*(transport.close() for transport in self.transports.values()))

    # ------------------------------------------------------------ plan nodes

    async def _run_node(self, node: PlanNode, run: _Run) -> None:
        if type(node) is FetchNode:
            if node.requires is None:
                await self._root_fetch(node, run)
            else:  # an entity fetch outside any Flatten: its objects are the root's
                await self._entity_fetch(FlattenNode(path=(), node=node), run)
        elif type(node) is FlattenNode:
            await self._entity_fetch(node, run)
        elif type(node) is SequenceNode:
            for child in node.nodes:
                await self._run_node(child, run)
        elif type(node) is ParallelNode:
            if len(node.nodes) == 1:
                await self._run_node(node.nodes[0], run)
            else:
                # Let every branch finish before failing, so none writes into a run that ended.
                outcomes = await asyncio.gather(
                    *(self._run_node(child, run) for child in node.nodes), return_exceptions=True
                )
                for outcome in outcomes:
                    if isinstance(outcome, BaseException):
                        raise outcome
        elif type(node) is ConditionNode:
            branch = node.if_clause if run.variables.get(node.variable) else node.else_clause
            if branch is not None:
                await self._run_node(branch, run)
        else:
            raise TypeError(f"unknown plan node {type(node).__name__}")

    async def _root_fetch(self, fetch: FetchNode, run: _Run) -> None:
        variables = _forwarded(fetch, run.variables)
        answer = await self._send(fetch, variables, run)
        if answer is None:
            return
        data = answer.get("data")
        if type(data) is dict:
            merge_object(run.data, data)
        errors = answer.get("errors")
        if errors:
            mask = self.mask_subgraph_errors
            for error in errors if type(errors) is list else [errors]:
                path = error.get("path") if type(error) is dict else None
                run.errors.append(
                    subgraph_error(
                        error, fetch.service, path if type(path) is list else None, mask=mask
                    )
                )

    async def _entity_fetch(self, flatten: FlattenNode, run: _Run) -> None:
        fetch = flatten.node
        if type(fetch) is not FetchNode or fetch.requires is None:
            raise TypeError("a Flatten node must wrap an entity Fetch node (one with requires)")
        representations, groups = self._builder(fetch).batch(
            objects_at(run.data, flatten.path, flatten.type_conditions)
        )
        if not representations:
            return
        variables = _forwarded(fetch, run.variables)
        variables["representations"] = representations
        answer = await self._send(fetch, variables, run)
        if answer is None:
            return
        data = answer.get("data")
        entities = data.get("_entities") if type(data) is dict else None
        if type(entities) is list and len(entities) == len(representations):
            keep_typename = fetch.representation_typename is not None
            for entity, objects in zip(entities, groups, strict=True):
                if type(entity) is dict:
                    for obj in objects:
                        merge_entity(obj, entity, keep_typename)
        elif data is not None and not answer.get("errors"):
            run.errors.append(
                {
                    "message": f"Subgraph '{fetch.service}' answered an entity fetch without "
                    f"one _entities item per representation",
                    "extensions": {"code": INVALID_SUBGRAPH_RESPONSE, "service": fetch.service},
                }
            )
        errors = answer.get("errors")
        if errors:
            self._entity_errors(errors if type(errors) is list else [errors], flatten, groups, run)

    def _entity_errors(
        self,
        errors: list[Any],
        flatten: FlattenNode,
        groups: list[list[dict[str, Any]]],
        run: _Run,
    ) -> None:
        """Re-path `["_entities", i, ...rest]` to the client path of each object behind i."""
        mask = self.mask_subgraph_errors
        service = flatten.node.service  # type: ignore[union-attr]
        wanted: set[int] = set()
        for error in errors:
            position = _entity_position(error, len(groups))
            if position is not None:
                wanted.update(id(obj) for obj in groups[position])
        located = paths_of(run.data, flatten.path, wanted) if wanted else {}
        for error in errors:
            position = _entity_position(error, len(groups))
            if position is None:
                run.errors.append(subgraph_error(error, service, None, mask=mask))
                continue
            rest = error["path"][2:]
            for obj in groups[position]:
                for at in located.get(id(obj), ()):
                    run.errors.append(subgraph_error(error, service, [*at, *rest], mask=mask))

    # ------------------------------------------------------------ requests

    async def _send(
        self, fetch: FetchNode, variables: dict[str, Any], run: _Run
    ) -> dict[str, Any] | None:
        """One subgraph request; its failure becomes a coded error and None, never an exception."""
        on_fetch = run.on_fetch
        if on_fetch is None:
            return await self._exchange(fetch, variables, run)
        started = time.perf_counter()
        errors_before = len(run.errors)
        answer = await self._exchange(fetch, variables, run)
        code: str | None = None
        if answer is None:
            if len(run.errors) > errors_before:
                code = run.errors[-1]["extensions"]["code"]
        elif answer.get("errors"):
            code = _first_code(answer["errors"])
        try:
            on_fetch(fetch.service, time.perf_counter() - started, code)
        except Exception:
            log.exception("fetch observer failed")
        return answer

    async def _exchange(
        self, fetch: FetchNode, variables: dict[str, Any], run: _Run
    ) -> dict[str, Any] | None:
        service = fetch.service
        transport = self.transports.get(service)
        if transport is None:
            run.errors.append(
                transport_error(TransportError(service, f"no transport configured for '{service}'"))
            )
            return None
        headers = run.headers.get(service)
        if headers is None:
            headers = run.headers[service] = run.headers_for(service)
        try:
            if run.uploads and (files := files_in(variables)) is not None:
                raw = await self._send_files(fetch, transport, files, headers)
            elif fetch.operation_kind == "query":
                body = self._encoded.get(fetch).body(variables)
                raw = await self._inflight.send(transport, body, headers, run.principal_key)
            else:
                raw = await transport.send(self._encoded.get(fetch).body(variables), headers)
        except TransportError as exc:
            run.errors.append(transport_error(exc))
            return None
        try:
            answer = orjson.loads(raw)
        except orjson.JSONDecodeError:
            answer = None
        if type(answer) is not dict or ("data" not in answer and "errors" not in answer):
            garbage = TransportError(
                service, f"subgraph '{service}' answered a body that is not a GraphQL response"
            )
            run.errors.append(transport_error(garbage))
            return None
        return answer

    async def _send_files(
        self,
        fetch: FetchNode,
        transport: SubgraphTransport,
        files: FetchFiles,
        headers: Mapping[str, str],
    ) -> bytes:
        if not isinstance(transport, MultipartTransport):
            raise TransportError(
                fetch.service, f"the transport of subgraph '{fetch.service}' cannot send files"
            )
        operations = self._encoded.get(fetch).body(files.variables)
        return await transport.send_multipart(operations, files.encoded_map(), files.files, headers)

    def _builder(self, fetch: FetchNode) -> RepresentationBuilder:
        entry = self._builders.get(id(fetch))
        if entry is not None and entry[0] is fetch:
            return entry[1]
        if len(self._builders) >= 20_000:
            self._builders.clear()
        builder = RepresentationBuilder(fetch.requires or (), fetch.representation_typename)
        self._builders[id(fetch)] = (fetch, builder)
        return builder

    # ------------------------------------------------------------ introspection

    def _introspect(self, plan: QueryPlan, run: _Run) -> None:
        assert plan.introspection is not None
        result = execute_sync(
            self.api_schema, plan.introspection, variable_values=dict(run.variables)
        )
        if result.data:
            merge_object(run.data, result.data)
        for error in result.errors or ():
            formatted: dict[str, Any] = dict(error.formatted)  # type: ignore[call-overload]
            formatted.pop("locations", None)
            extensions = dict(formatted.get("extensions") or {})
            extensions.setdefault("code", "INTROSPECTION_ERROR")
            formatted["extensions"] = extensions
            run.errors.append(formatted)


def _forwarded(fetch: FetchNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    if not fetch.variable_usages:
        return {}
    return {name: variables[name] for name in fetch.variable_usages if name in variables}


def _first_code(errors: Any) -> str:
    first = errors[0] if type(errors) is list and errors else errors
    extensions = first.get("extensions") if type(first) is dict else None
    code = extensions.get("code") if type(extensions) is dict else None
    return code if isinstance(code, str) else DOWNSTREAM_SERVICE_ERROR


def _entity_position(error: Any, count: int) -> int | None:
    if type(error) is not dict:
        return None
    path = error.get("path")
    if type(path) is not list or len(path) < 2 or path[0] != "_entities":
        return None
    position = path[1]
    if type(position) is not int or not 0 <= position < count:
        return None
    return position

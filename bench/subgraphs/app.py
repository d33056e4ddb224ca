"""One ASGI app serving the four benchmark subgraphs under `/accounts`, `/inventory`, ...

GraphQL over HTTP POST with a JSON body. The data is static, so each distinct request body is
executed once and its encoded answer kept; repeated requests (all of them, under load) are a dict
look-up, which keeps the subgraphs far faster than any gateway in front of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

import orjson
from graphql import graphql_sync

from bench.subgraphs.schema import build_subgraph_schema
from bench.subgraphs.sdl import SUBGRAPH_SDL

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_CACHED_ANSWERS: Final = 10_000
_JSON_HEADERS: Final = [(b"content-type", b"application/json")]


class BadRequestError(ValueError):
    """A request body that is not a GraphQL-over-HTTP JSON request."""

    code = "BENCH_BAD_REQUEST"


def parse_request(body: bytes) -> tuple[str, str | None, dict[str, Any] | None]:
    """The query, operation name and variables of a GraphQL-over-HTTP JSON body."""
    try:
        request = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequestError(f"request body is not JSON: {exc}") from None
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        raise BadRequestError('request body must be a JSON object with a string "query"')
    variables = request.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequestError('"variables" must be a JSON object')
    operation_name = request.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequestError('"operationName" must be a string')
    return request["query"], operation_name, variables


class BenchSubgraphsApp:
    """ASGI app: POST `/<subgraph>` executes a GraphQL request; GET `/health` answers `ok`.

    GET `/stats` returns how many requests each subgraph has served (in this worker process), so
    the benchmark can tell how many subgraph fetches a gateway makes for one query.
    """

    def __init__(self) -> None:
        self._schemas = {name: build_subgraph_schema(name) for name in SUBGRAPH_SDL}
        self._answers: dict[tuple[str, bytes], bytes] = {}
        self.served: dict[str, int] = dict.fromkeys(SUBGRAPH_SDL, 0)

    def answer(self, subgraph: str, body: bytes) -> bytes:
        """The encoded GraphQL response of `subgraph` to `body`, computed once per request.

        The raw body is the fast key; a body that differs only in spacing, key order or
        extensions (a gateway may add a request id there) falls back to the parsed request.
        """
        raw_key = (subgraph, body)
        cached = self._answers.get(raw_key)
        if cached is not None:
            return cached
        query, operation_name, variables = parse_request(body)
        request_key = (
            subgraph,
            orjson.dumps([query, operation_name, variables], option=orjson.OPT_SORT_KEYS),
        )
        encoded = self._answers.get(request_key)
        if encoded is None:
            result = graphql_sync(
                self._schemas[subgraph],
                query,
                variable_values=variables,
                operation_name=operation_name,
            )
            encoded = orjson.dumps(result.formatted)
            self._remember(request_key, encoded)
        self._remember(raw_key, encoded)
        return encoded

    def _remember(self, key: tuple[str, bytes], encoded: bytes) -> None:
        if len(self._answers) < MAX_CACHED_ANSWERS:
            self._answers[key] = encoded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        method: str = scope["method"]
        if path == "/health" and method == "GET":
            await _respond(send, 200, b"ok", [(b"content-type", b"text/plain")])
            return
        if path == "/stats" and method == "GET":
            await _respond(send, 200, orjson.dumps(self.served), _JSON_HEADERS)
            return
        subgraph = path.strip("/")
        if subgraph not in self._schemas:
            await _respond_error(send, 404, f"no benchmark subgraph at {path!r}")
            return
        if method != "POST":
            await _respond_error(send, 405, "send GraphQL requests with POST")
            return
        body = await _read_body(receive)
        self.served[subgraph] += 1
        try:
            answer = self.answer(subgraph, body)
        except BadRequestError as exc:
            await _respond_error(send, 400, str(exc))
            return
        await _respond(send, 200, answer, _JSON_HEADERS)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _respond_error(send: Send, status: int, message: str) -> None:
    body = orjson.dumps({"errors": [{"message": message}]})
    await _respond(send, status, body, _JSON_HEADERS)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app() -> BenchSubgraphsApp:
    """Factory for uvicorn (`--factory`), one app per worker process."""
    return BenchSubgraphsApp()

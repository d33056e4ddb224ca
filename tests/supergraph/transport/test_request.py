"""`request`: any HTTP request to a path beside a subgraph's GraphQL endpoint (plugin HTTP
routes), over HTTP (TCP and Unix socket) and in-process ASGI; every status comes back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import pytest

from core.security import internal_token
from core.security.principal import Principal
from supergraph.transport import AsgiTransport, HttpTransport, TransportError, TransportTimeout
from supergraph.transport.base import RequestTransport
from supergraph.transport.http import root_of
from tests.fixtures.federation.serve import free_port, serve_http
from tests.supergraph.http.edge_fixture import SECRET
from tests.supergraph.http.upload_fixture import PLUGIN, Seen, plugin_app
from tests.supergraph.transport.unix_server import serve_unix


def signed() -> dict[str, str]:
    principal = Principal(sub="u-1", role="viewer", email=None, scopes=frozenset(), kind="user")
    return internal_token.headers_for(principal, PLUGIN, SECRET)


@asynccontextmanager
async def transport(
    kind: str, seen: Seen, timeout: float = 30.0
) -> AsyncIterator[RequestTransport]:
    app = plugin_app(seen)
    if kind == "asgi":
        yield AsgiTransport(PLUGIN, app, timeout)
        return
    if kind == "tcp":
        async with serve_http({}, extra_apps={PLUGIN: app}) as urls:
            http = HttpTransport(PLUGIN, urls[PLUGIN], timeout)
            yield http
            await http.close()
        return
    async with serve_unix(app, PLUGIN) as socket_path:
        http = HttpTransport(PLUGIN, f"unix://{socket_path}", timeout)
        yield http
        await http.close()


@pytest.mark.parametrize("kind", ["tcp", "unix", "asgi"])
async def test_method_path_query_headers_and_body_arrive(kind: str) -> None:
    seen = Seen()
    async with transport(kind, seen) as plugin:
        answer = await plugin.request(
            "PATCH",
            "/http/items/7",
            "a=1&b=two%20words",
            {**signed(), "content-type": "application/json"},
            b'{"done": true}',
        )
    assert answer.status == 200
    assert orjson.loads(answer.body) == {
        "method": "PATCH",
        "path": "items/7",
        "query": {"a": "1", "b": "two words"},
        "body": '{"done": true}',
        "sub": "u-1",
    }
    assert ("content-type", "application/json") in answer.headers
    route = seen.routes[0]
    assert route["query"] == "a=1&b=two%20words"
    assert route["headers"]["content-type"] == "application/json"  # type: ignore[index]


@pytest.mark.parametrize("kind", ["tcp", "unix", "asgi"])
async def test_non_2xx_answers_are_returned_not_raised(kind: str) -> None:
    async with transport(kind, Seen()) as plugin:
        teapot = await plugin.request("GET", "/http/status/418", "", signed(), b"")
        refused = await plugin.request("GET", "/http/hello", "", {}, b"")
    assert teapot.status == 418
    assert teapot.body == b"teapot here"
    assert dict(teapot.headers)["location"] == "/api/plugins/xyz/elsewhere"
    assert refused.status == 401


@pytest.mark.parametrize("kind", ["tcp", "asgi"])
async def test_redirects_are_returned_not_followed(kind: str) -> None:
    async with transport(kind, Seen()) as plugin:
        answer = await plugin.request("GET", "/http/status/302", "", signed(), b"")
    assert answer.status == 302


@pytest.mark.parametrize("kind", ["tcp", "asgi"])
async def test_a_slow_answer_raises_transport_timeout(kind: str) -> None:
    async with transport(kind, Seen(), timeout=0.2) as plugin:
        with pytest.raises(TransportTimeout):
            await plugin.request("GET", "/http/slow", "", signed(), b"")


async def test_a_closed_port_raises_transport_error() -> None:
    plugin = HttpTransport(PLUGIN, f"http://127.0.0.1:{free_port()}/graphql")
    with pytest.raises(TransportError) as caught:
        await plugin.request("GET", "/http/hello", "", {}, b"")
    await plugin.close()
    assert not isinstance(caught.value, TransportTimeout)


async def test_the_same_transport_still_sends_graphql_after_a_request() -> None:
    seen = Seen()
    async with transport("tcp", seen) as plugin:
        await plugin.request("GET", "/http/hello", "", signed(), b"")
        raw = await plugin.send(b'{"query":"{ xVersion }"}', signed())
    assert orjson.loads(raw) == {"data": {"xVersion": "1.0"}}
    assert seen.content_types[-1] == "application/json"


def test_the_root_is_the_graphql_url_without_its_last_segment() -> None:
    assert root_of("/graphql") == ""
    assert root_of("/plugin_xyz/graphql") == "/plugin_xyz"
    assert root_of("/api/gql/") == "/api"
    assert root_of("") == ""


def test_paths_must_be_absolute() -> None:
    import asyncio

    with pytest.raises(ValueError, match="must start with '/'"):
        asyncio.run(AsgiTransport(PLUGIN, plugin_app(Seen())).request("GET", "http", "", {}, b""))

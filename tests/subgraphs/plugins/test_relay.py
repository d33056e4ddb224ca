"""The plugin relay: `/plugins/<name>/<path>` forwarded as it is to the plugin's Unix socket."""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import orjson
import pytest_asyncio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from subgraphs.plugins.relay import METHODS, PluginRelay, relay_url
from tests.supergraph.transport.unix_server import serve_unix


async def echo(request: Request) -> Response:
    """The plugin's side: what arrived, and a few headers of its own to relay back."""
    body = await request.body()
    seen = {
        "method": request.method,
        "path": request.scope["raw_path"].decode(),
        "query": request.scope["query_string"].decode(),
        "body": body.decode(),
        "headers": [[k.decode(), v.decode()] for k, v in request.scope["headers"]],
    }
    if request.url.path == "/http/gzip":
        return Response(
            gzip.compress(b"packed"),
            headers={"content-encoding": "gzip", "content-type": "text/plain"},
        )
    response = Response(orjson.dumps(seen), status_code=201, media_type="application/json")
    response.raw_headers += [
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
        (b"x-plugin", b"yes"),
        (b"keep-alive", b"timeout=5"),
    ]
    return response


PLUGIN = Starlette(routes=[Route("/{path:path}", echo, methods=METHODS)])


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def socket() -> AsyncIterator[Path]:
    async with serve_unix(PLUGIN, "plugin") as path:
        yield Path(path)


def relay_app(relay: PluginRelay, mount: str = "") -> Starlette:
    route = Route("/plugins/{name}/{path:path}", relay.handle, methods=METHODS)
    if mount:
        return Starlette(routes=[Mount(mount, app=Starlette(routes=[route]))])
    return Starlette(routes=[route])


@pytest_asyncio.fixture(loop_scope="session")
async def relay(socket: Path) -> AsyncIterator[PluginRelay]:
    relay = PluginRelay(lambda name: socket if name == "notes" else None)
    try:
        yield relay
    finally:
        await relay.close()


def client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://plugins")


async def test_relay_forwards_method_path_query_body_and_end_to_end_headers(
    relay: PluginRelay,
) -> None:
    async with client(relay_app(relay)) as http:
        answer = await http.request(
            "PATCH",
            "/plugins/notes/http/a%2Fb/c?x=1&y=%20",
            content=b"hello",
            headers={
                "x-internal-token": "signed",
                "content-type": "text/plain",
                "connection": "keep-alive, x-secret-hop",
                "x-secret-hop": "no",
                "te": "trailers",
            },
        )
    assert answer.status_code == 201
    seen = answer.json()
    assert seen["method"] == "PATCH"
    assert seen["path"] == "/http/a%2Fb/c"
    assert seen["query"] == "x=1&y=%20"
    assert seen["body"] == "hello"
    headers = dict(seen["headers"])
    assert headers["x-internal-token"] == "signed"
    assert headers["content-type"] == "text/plain"
    assert headers["content-length"] == "5"
    assert headers["host"] != "plugins"  # Host is the relay's own, not the client's
    for hop in ("connection", "x-secret-hop", "te"):
        assert hop not in headers


async def test_relay_returns_the_plugins_status_and_headers_without_hop_by_hop_ones(
    relay: PluginRelay,
) -> None:
    async with client(relay_app(relay)) as http:
        answer = await http.post("/plugins/notes/graphql", json={"query": "{ __typename }"})
    assert answer.status_code == 201
    assert answer.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert answer.headers["x-plugin"] == "yes"
    assert "keep-alive" not in answer.headers
    assert answer.json()["path"] == "/graphql"


async def test_relay_passes_a_compressed_body_through_untouched(relay: PluginRelay) -> None:
    async with client(relay_app(relay)) as http:
        answer = await http.get("/plugins/notes/http/gzip")
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.text == "packed"  # httpx decoded it: the relay did not


async def test_relay_under_a_mount_forwards_the_path_after_the_prefix(
    relay: PluginRelay,
) -> None:
    async with client(relay_app(relay, mount="/subgraphs/plugins")) as http:
        answer = await http.get("/subgraphs/plugins/plugins/notes/http/feed.xml?n=2")
    assert answer.json()["path"] == "/http/feed.xml"
    assert answer.json()["query"] == "n=2"


async def test_a_plugin_not_served_here_is_404_plugin_not_served(relay: PluginRelay) -> None:
    async with client(relay_app(relay)) as http:
        for path in ("/plugins/other/graphql", "/plugins/NO/graphql"):
            answer = await http.post(path, json={})
            assert answer.status_code == 404
            assert answer.json()["error"]["code"] == "PLUGIN_NOT_SERVED"


async def test_only_graphql_and_http_routes_are_relayed(relay: PluginRelay) -> None:
    async with client(relay_app(relay)) as http:
        answer = await http.get("/plugins/notes/health")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "PLUGIN_ROUTE_NOT_FOUND"


async def test_a_body_over_the_limit_is_413(socket: Path) -> None:
    relay = PluginRelay(lambda name: socket, body_max_bytes=10)
    try:
        async with client(relay_app(relay)) as http:
            answer = await http.post("/plugins/notes/graphql", content=b"x" * 11)
    finally:
        await relay.close()
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_dead_socket_is_502() -> None:
    with tempfile.TemporaryDirectory() as directory:
        relay = PluginRelay(lambda name: Path(directory) / "gone.sock")
        try:
            async with client(relay_app(relay)) as http:
                answer = await http.post("/plugins/notes/graphql", json={})
        finally:
            await relay.close()
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "PLUGIN_UNREACHABLE"


async def test_forget_closes_the_plugins_pooled_client(relay: PluginRelay) -> None:
    async with client(relay_app(relay)) as http:
        await http.get("/plugins/notes/http/x")
        await relay.forget("notes")
        again = await http.get("/plugins/notes/http/x")
    assert again.status_code == 201


def test_relay_url_names_the_plugins_graphql_under_the_base() -> None:
    assert relay_url("http://plugins:4004/", "notes") == "http://plugins:4004/plugins/notes/graphql"


def test_processes_name_the_relay_when_given_a_base_url_and_the_socket_otherwise(
    tmp_path: Path,
) -> None:
    from subgraphs.plugins.lifecycle.processes import PluginProcesses
    from subgraphs.plugins.runtime import ProcessSpec, RestartPolicy

    async def never(name: str, reason: str) -> None:
        raise AssertionError("no crash loop here")

    def processes(relay_base_url: str | None) -> PluginProcesses:
        return PluginProcesses(
            None,  # type: ignore[arg-type]  # naming URLs touches neither database nor packages
            None,  # type: ignore[arg-type]
            tmp_path,
            secret="s" * 64,
            database_url="",
            gateway_url="",
            policy=RestartPolicy(),
            on_crash_loop=never,
            relay_base_url=relay_base_url,
        )

    spec = ProcessSpec.for_plugin("notes", tmp_path, tmp_path / "notes", platform_secret="s" * 64)
    assert processes(None).url_of(spec) == f"unix://{tmp_path}/notes/plugin.sock"
    assert (
        processes("http://plugins:4004").url_of(spec) == "http://plugins:4004/plugins/notes/graphql"
    )

"""A plugin calls the API back through the gateway with its own API key: the key reaches the
gateway as X-Api-Key, never the plugin's environment, and without one the call is refused."""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from subgraphs.plugins.runtime import PluginProcess, run_task

from .conftest import Start, fixture_spec, query

KEY = f"ak_{secrets.token_hex(4)}_{secrets.token_urlsafe(24)}"
CALL_BACK = "query($d: String!) { callBack(document: $d) }"
ANSWER = {"data": {"me": {"id": "u1"}}}


@dataclass
class FakeGateway:
    """A real HTTP server on a loopback port that answers every POST to /graphql with ANSWER
    and records what it was sent."""

    url: str
    seen: list[dict[str, Any]] = field(default_factory=list)


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[FakeGateway]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    fake = FakeGateway(f"http://127.0.0.1:{listener.getsockname()[1]}/graphql")

    async def graphql(request: Request) -> JSONResponse:
        fake.seen.append(
            {
                "key": request.headers.get("x-api-key"),
                "preflight": request.headers.get("apollo-require-preflight"),
                "body": await request.json(),
            }
        )
        return JSONResponse(ANSWER)

    app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield fake
    finally:
        server.should_exit = True
        await serving
        listener.close()


async def test_a_resolver_calls_the_api_back_with_the_plugins_key(
    start_plugin: Start, platform_secret: str, gateway: FakeGateway
) -> None:
    plugin = await start_plugin("fixture_gateway", gateway_url=gateway.url, gateway_key=KEY)
    result = await query(plugin, CALL_BACK, platform_secret, variables={"d": "{ me { id } }"})
    assert result == {"data": {"callBack": ANSWER}}
    assert gateway.seen == [
        {
            "key": KEY,
            "preflight": "true",
            "body": {"query": "{ me { id } }", "variables": {"from": "fixture_gateway"}},
        }
    ]


async def test_the_gateway_key_is_not_in_the_plugins_environment(
    start_plugin: Start, platform_secret: str, gateway: FakeGateway
) -> None:
    plugin = await start_plugin("fixture_gateway", gateway_url=gateway.url, gateway_key=KEY)
    names = await ask(plugin, platform_secret, "{ environmentNames }")
    assert "ALTHAUS_PLUGIN_GATEWAY_KEY" not in names and "ALTHAUS_PLUGIN_TOKEN_KEY" not in names
    own_view = await ask(plugin, platform_secret, "{ ownEnviron }")
    assert isinstance(own_view, str) and KEY not in own_view
    assert own_view == "refused:PermissionError" or own_view.startswith("read:")
    assert KEY not in outside_view(plugin)
    assert plugin.spec.token_key not in outside_view(plugin)


async def test_without_gateway_settings_the_call_is_unavailable(
    start_plugin: Start, platform_secret: str
) -> None:
    plugin = await start_plugin("fixture_gateway")
    result = await query(plugin, CALL_BACK, platform_secret, variables={"d": "{ me { id } }"})
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "PLUGIN_GATEWAY_UNAVAILABLE"


async def test_an_unreachable_gateway_is_unavailable_and_the_key_stays_out_of_the_error(
    start_plugin: Start, platform_secret: str
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}/graphql"
    closed.close()  # nothing listens there any more
    plugin = await start_plugin("fixture_gateway", gateway_url=url, gateway_key=KEY)
    result = await query(plugin, CALL_BACK, platform_secret, variables={"d": "{ me { id } }"})
    assert result["errors"][0]["extensions"]["code"] == "PLUGIN_GATEWAY_UNAVAILABLE"
    assert KEY not in str(result) and KEY not in plugin.stderr_tail(100_000)


async def test_a_task_calls_the_api_back_with_context_gateway(
    platform_secret: str, runtime_dirs: Callable[[], Path], gateway: FakeGateway
) -> None:
    spec = fixture_spec(
        "fixture_gateway", runtime_dirs(), platform_secret, gateway_url=gateway.url, gateway_key=KEY
    )
    assert await run_task(spec, "tasks.call_back", cpu_seconds=10, timeout=60) == ANSWER
    assert [seen["key"] for seen in gateway.seen] == [KEY]


async def test_a_task_without_gateway_settings_gets_none(
    platform_secret: str, runtime_dirs: Callable[[], Path]
) -> None:
    spec = fixture_spec("fixture_gateway", runtime_dirs(), platform_secret)
    assert await run_task(spec, "tasks.call_back", cpu_seconds=10, timeout=60) == "no gateway"


async def ask(process: PluginProcess, secret: str, document: str) -> Any:
    result = await query(process, document, secret)
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


def outside_view(process: PluginProcess) -> str:
    """/proc/<pid>/environ of the plugin's process, read from the platform's side (the process
    is not dumpable: only a platform with CAP_SYS_PTRACE, such as root, may read it)."""
    try:
        with open(f"/proc/{process.pid}/environ", "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except PermissionError:
        pytest.skip("the plugin's /proc/<pid>/environ is not readable from here (not root)")

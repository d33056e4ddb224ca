"""A plugin's HTTP routes, served under `/http` beside `/graphql`, behind the same token."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest_asyncio

from core.security import internal_token
from core.security.principal import Principal, RequestContext
from subgraphs.plugins.runtime import PluginProcess

from .conftest import Start, fixture_spec

SECRET = secrets.token_hex(32)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def routes() -> AsyncIterator[PluginProcess]:
    """`fixture_routes`, served for the whole module."""
    runtime = Path(tempfile.mkdtemp(prefix="althaus-rt-"))
    process = PluginProcess(
        fixture_spec("fixture_routes", runtime, SECRET, settings={"tone": "dry"})
    )
    try:
        await process.start()
        await process.wait_ready(30)
        yield process
    finally:
        await process.stop(grace=2)
        process.remove_runtime_dir()


async def call(
    process: PluginProcess,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
) -> tuple[int, Any]:
    """An HTTP request over the plugin's Unix socket, as the gateway makes it."""
    headers = {internal_token.HEADER: token} if token is not None else {}
    connector = aiohttp.UnixConnector(path=str(process.spec.socket))
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=20)
    ) as session:
        async with session.request(
            method, f"http://plugin{path}", headers=headers, json=body
        ) as response:
            return response.status, await response.json(content_type=None)


def token_for(process: PluginProcess, principal: Principal, request_id: str = "") -> str:
    context = RequestContext(request_id=request_id)
    return internal_token.mint(principal, process.spec.audience, SECRET, context)


async def test_get_with_a_valid_token_sees_the_principal_context_and_settings(
    routes: PluginProcess,
) -> None:
    editor = Principal.user("u-7", "editor", "ed@example.com")
    status, body = await call(routes, "GET", "/http/whoami", token=token_for(routes, editor, "r-1"))
    assert status == 200
    assert body == {
        "plugin": "fixture_routes",
        "sub": "u-7",
        "role": "editor",
        "request_id": "r-1",
        "settings": {"tone": "dry"},
        "path": "/http/whoami",
    }


async def test_post_with_a_json_body_answers(routes: PluginProcess) -> None:
    token = token_for(routes, Principal.user("u-8", "viewer", None))
    status, body = await call(routes, "POST", "/http/echo", token=token, body={"a": [1, 2]})
    assert (status, body) == (200, {"echo": {"a": [1, 2]}, "sub": "u-8"})


async def test_a_request_without_a_token_is_refused_with_401(routes: PluginProcess) -> None:
    status, body = await call(routes, "GET", "/http/whoami")
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED_SUBGRAPH_REQUEST"


async def test_a_token_for_another_plugin_is_refused_with_401(routes: PluginProcess) -> None:
    token = internal_token.mint(Principal(), "plugin_other", SECRET)
    status, _body = await call(routes, "GET", "/http/whoami", token=token)
    assert status == 401


async def test_an_exception_in_a_handler_is_a_masked_500_and_the_plugin_keeps_serving(
    routes: PluginProcess,
) -> None:
    token = token_for(routes, Principal())
    status, body = await call(routes, "GET", "/http/boom", token=token)
    assert status == 500
    assert body == {"error": {"code": "PLUGIN_ROUTE_FAILED", "message": "Unexpected error."}}
    assert "RuntimeError: internal detail" in routes.stderr_tail(4000)  # kept for operators
    status, _body = await call(routes, "GET", "/http/whoami", token=token)
    assert status == 200


async def test_an_unknown_path_is_a_json_404(routes: PluginProcess) -> None:
    status, body = await call(routes, "GET", "/http/nowhere", token=token_for(routes, Principal()))
    assert status == 404
    assert body["error"]["code"] == "PLUGIN_ROUTE_NOT_FOUND"


async def test_a_plugin_without_routes_answers_404_under_http(
    start_plugin: Start, platform_secret: str
) -> None:
    process = await start_plugin("fixture_actions")
    token = internal_token.mint(Principal(), process.spec.audience, platform_secret)
    status, body = await call(process, "GET", "/http/anything", token=token)
    assert status == 404
    assert body["error"]["code"] == "PLUGIN_ROUTE_NOT_FOUND"

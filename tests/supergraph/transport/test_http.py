"""HttpTransport: pooled aiohttp POSTs over TCP and Unix sockets, with typed failures."""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path

import orjson
import pytest
import uvicorn

from supergraph.transport import HttpTransport, TransportError, TransportTimeout, create_transport
from supergraph.transport.http import split_unix_url
from tests.fixtures.federation.classic import SUBGRAPHS
from tests.fixtures.federation.faults.misbehaving import MISBEHAVING
from tests.fixtures.federation.serve import RequestLog, free_port, serve_http, subgraph_app

QUERY = orjson.dumps({"query": '{user(id:"2"){username}}'})


async def test_posts_json_and_returns_the_raw_body() -> None:
    log = RequestLog()
    async with serve_http({"accounts": SUBGRAPHS["accounts"]}, log) as urls:
        transport = HttpTransport("accounts", urls["accounts"])
        raw = await transport.send(QUERY, {"x-internal-token": "t"})
        await transport.close()
    assert orjson.loads(raw) == {"data": {"user": {"username": "dotansimha"}}}
    assert log.bodies["accounts"] == [QUERY]


async def test_reuses_one_session_for_many_requests() -> None:
    async with serve_http({"accounts": SUBGRAPHS["accounts"]}) as urls:
        transport = HttpTransport("accounts", urls["accounts"])
        await asyncio.gather(*(transport.send(QUERY, {}) for _ in range(10)))
        session = transport._session
        await transport.send(QUERY, {})
        assert transport._session is session
        await transport.close()


async def test_closed_port_raises_transport_error() -> None:
    transport = HttpTransport("accounts", f"http://127.0.0.1:{free_port()}/graphql")
    with pytest.raises(TransportError) as caught:
        await transport.send(QUERY, {})
    await transport.close()
    assert caught.value.code == "SUBREQUEST_HTTP_ERROR"
    assert caught.value.service == "accounts"
    assert not isinstance(caught.value, TransportTimeout)


async def test_non_2xx_raises_transport_error_with_status() -> None:
    async with serve_http({}, extra_apps=MISBEHAVING) as urls:
        transport = HttpTransport("servererror", urls["servererror"])
        with pytest.raises(TransportError) as caught:
            await transport.send(QUERY, {})
        await transport.close()
    assert caught.value.status == 500


async def test_slow_answer_raises_transport_timeout() -> None:
    async with serve_http({}, extra_apps=MISBEHAVING) as urls:
        transport = HttpTransport("slow", urls["slow"], timeout=0.2)
        with pytest.raises(TransportTimeout) as caught:
            await transport.send(QUERY, {})
        await transport.close()
    assert caught.value.code == "GATEWAY_TIMEOUT"


async def test_unix_socket_url_reaches_a_subgraph_listening_on_a_socket() -> None:
    with tempfile.TemporaryDirectory() as directory:
        socket_path = str(Path(directory) / "accounts.sock")
        config = uvicorn.Config(
            subgraph_app("accounts", SUBGRAPHS["accounts"]),
            uds=socket_path,
            log_level="warning",
            lifespan="off",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            for _ in range(500):
                if server.started:
                    break
                await asyncio.sleep(0.01)
            transport = create_transport("accounts", f"unix://{socket_path}", 5.0)
            raw = await transport.send(QUERY, {})
            await transport.close()
        finally:
            server.should_exit = True
            await asyncio.to_thread(thread.join, 10)
    assert orjson.loads(raw) == {"data": {"user": {"username": "dotansimha"}}}


def test_unix_url_names_socket_and_optional_http_path() -> None:
    assert split_unix_url("unix:///run/a.sock") == ("/run/a.sock", "/graphql")
    assert split_unix_url("unix:///run/a.sock:/api/gql") == ("/run/a.sock", "/api/gql")
    with pytest.raises(ValueError, match="absolute socket path"):
        split_unix_url("unix://relative.sock")


def test_rejects_urls_that_are_not_http_or_unix() -> None:
    with pytest.raises(ValueError, match="ftp://x"):
        HttpTransport("accounts", "ftp://x")


async def test_redirects_are_not_followed() -> None:
    from starlette.applications import Starlette
    from starlette.responses import RedirectResponse
    from starlette.routing import Route

    async def redirect(request):
        return RedirectResponse("/elsewhere/graphql", status_code=307)

    app = Starlette(routes=[Route("/graphql", redirect, methods=["POST"])])
    log = RequestLog()
    async with serve_http(
        {"accounts": SUBGRAPHS["accounts"]}, log, extra_apps={"moved": app}
    ) as urls:
        transport = HttpTransport("moved", urls["moved"])
        with pytest.raises(TransportError) as caught:
            await transport.send(QUERY, {"x-internal-token": "secret"})
        await transport.close()
    assert caught.value.status == 307


def test_a_transport_can_be_used_from_successive_event_loops() -> None:
    import asyncio as aio

    async def both() -> tuple[bytes, bytes]:
        async with serve_http({"accounts": SUBGRAPHS["accounts"]}) as urls:
            transport = HttpTransport("accounts", urls["accounts"])
            first = await aio.to_thread(aio.run, transport.send(QUERY, {}))
            second = await transport.send(QUERY, {})
            await transport.close()
            return first, second

    first, second = aio.run(both())
    assert first == second

"""AsgiTransport: the ASGI request/response cycle in-process, failing like HTTP."""

from __future__ import annotations

import orjson
import pytest

from supergraph.transport import AsgiTransport, TransportError, TransportTimeout, create_transport
from tests.fixtures.federation.classic import SUBGRAPHS
from tests.fixtures.federation.faults.misbehaving import MISBEHAVING
from tests.fixtures.federation.serve import RequestLog, subgraph_app

QUERY = orjson.dumps({"query": '{user(id:"2"){username}}'})


async def test_sends_the_body_and_headers_through_the_app() -> None:
    log = RequestLog()
    seen: dict[str, str] = {}
    inner = subgraph_app("accounts", SUBGRAPHS["accounts"], log)

    async def app(scope, receive, send) -> None:
        seen.update({k.decode(): v.decode() for k, v in scope["headers"]})
        await inner(scope, receive, send)

    transport = create_transport("accounts", app)
    assert isinstance(transport, AsgiTransport)
    raw = await transport.send(QUERY, {"X-Internal-Token": "signed"})
    assert orjson.loads(raw) == {"data": {"user": {"username": "dotansimha"}}}
    assert log.bodies["accounts"] == [QUERY]
    assert seen["x-internal-token"] == "signed"
    assert seen["content-type"] == "application/json"


async def test_app_exception_raises_transport_error() -> None:
    async def app(scope, receive, send) -> None:
        raise RuntimeError("boom")

    with pytest.raises(TransportError) as caught:
        await AsgiTransport("crashy", app).send(QUERY, {})
    assert caught.value.status == 500
    assert "boom" not in str(caught.value)


async def test_non_2xx_raises_transport_error_with_status() -> None:
    with pytest.raises(TransportError) as caught:
        await AsgiTransport("servererror", MISBEHAVING["servererror"]).send(QUERY, {})
    assert caught.value.status == 500


async def test_slow_app_raises_transport_timeout() -> None:
    with pytest.raises(TransportTimeout):
        await AsgiTransport("slow", MISBEHAVING["slow"], timeout=0.1).send(QUERY, {})


async def test_app_that_never_responds_raises_transport_error() -> None:
    async def app(scope, receive, send) -> None:
        await receive()

    with pytest.raises(TransportError, match="sent no response"):
        await AsgiTransport("silent", app).send(QUERY, {})


def test_create_transport_rejects_what_is_neither_url_nor_app() -> None:
    with pytest.raises(TypeError, match="expected a URL or an ASGI app"):
        create_transport("x", 42)  # type: ignore[arg-type]

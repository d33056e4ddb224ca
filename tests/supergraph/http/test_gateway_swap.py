"""The gateway snapshot: atomic swap, requests finishing on the snapshot they began with, caches."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx
import pytest

from supergraph.gateway import BoundedCache, Gateway
from supergraph.http.app import create_gateway_app
from supergraph.model import SupergraphError
from supergraph.transport.http import HttpTransport
from tests.supergraph.http.edge_fixture import SUPERGRAPH_FILE
from tests.supergraph.http.stack import EdgeStack, settings_for

QUERY = "{ products { name } }"


class SwapDuringSend:
    """The catalog's real HTTP transport, which loads a new supergraph while a request is in
    flight (the moment a swap is most likely to hurt)."""

    def __init__(self, inner: HttpTransport) -> None:
        self.name = inner.name
        self.inner = inner
        self.gateway: Gateway | None = None
        self.swapped = False

    async def send(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        if self.gateway is not None and not self.swapped:
            self.swapped = True
            await self.gateway.load(SUPERGRAPH_FILE.read_text() + "\n# v2\n")
        return await self.inner.send(body, headers)

    async def close(self) -> None:
        await self.inner.close()


async def test_request_finishes_on_the_snapshot_it_started_with(edge: EdgeStack) -> None:
    edge.require_loaded()
    settings = settings_for(edge.urls)
    transport = SwapDuringSend(HttpTransport("catalog", edge.urls["catalog"], 10))
    gateway = Gateway(settings, transports={"catalog": transport})
    first = await gateway.load(SUPERGRAPH_FILE.read_text())
    transport.gateway = gateway
    app = create_gateway_app(settings, gateway)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gw.test"
        ) as client:
            response = await client.post("/graphql", json={"query": QUERY})
        second = gateway.snapshot
        assert response.json() == {"data": {"products": [{"name": "Lamp"}, {"name": "Desk"}]}}
        assert second is not None and second is not first
        assert (first.version, second.version) == (1, 2)
        assert second.supergraph.hash != first.supergraph.hash
        assert first._plans.get((QUERY, None, frozenset())) is not None
        assert second._plans.get((QUERY, None, frozenset())) is None
    finally:
        await app.state.users.close()
        await gateway.close()


async def test_a_bad_supergraph_leaves_the_current_one_serving(edge: EdgeStack) -> None:
    edge.require_loaded()
    gateway = Gateway(settings_for(edge.urls))
    try:
        current = await gateway.load(SUPERGRAPH_FILE.read_text())
        with pytest.raises(SupergraphError):
            await gateway.load("type Query { broken")
        assert gateway.snapshot is current
    finally:
        await gateway.close()


async def test_transports_are_shared_while_a_subgraph_keeps_its_url(edge: EdgeStack) -> None:
    edge.require_loaded()
    gateway = Gateway(settings_for(edge.urls))
    try:
        first = await gateway.load(SUPERGRAPH_FILE.read_text())
        second = await gateway.load(SUPERGRAPH_FILE.read_text() + "\n")
        assert second.transports["catalog"] is first.transports["catalog"]
    finally:
        await gateway.close()


async def test_subgraph_url_env_override_wins_over_the_file(edge: EdgeStack) -> None:
    edge.require_loaded()
    gateway = Gateway(settings_for({"catalog": edge.urls["catalog"]}))
    try:
        snapshot = await gateway.load(SUPERGRAPH_FILE.read_text())
        catalog = snapshot.transports["catalog"]
        users = snapshot.transports["users"]
        assert getattr(catalog, "url", None) == edge.urls["catalog"]
        assert getattr(users, "url", None) == "http://127.0.0.1:4302/graphql"  # from the file
    finally:
        await gateway.close()


async def test_documents_are_parsed_and_validated_once_per_snapshot(edge: EdgeStack) -> None:
    edge.require_loaded()
    snapshot = edge.gateway.snapshot
    assert snapshot is not None
    first = snapshot.prepare("{ products { id } }")
    assert snapshot.prepare("{ products { id } }") is first
    assert first.ok


def test_bounded_cache_evicts_the_least_recently_used() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None
    assert cache.get("a") == 1
    assert len(cache) == 2


async def test_gateway_composes_from_in_process_subgraphs_and_serves(edge: EdgeStack) -> None:
    edge.require_loaded()
    from supergraph.gateway import compose_from_subgraphs
    from supergraph.transport.asgi import AsgiTransport
    from tests.supergraph.http.edge_fixture import Received, catalog_app, users_app

    received = {"users": Received(), "catalog": Received()}
    transports = {
        "users": AsgiTransport("users", users_app(edge.identity, received["users"])),
        "catalog": AsgiTransport("catalog", catalog_app(received["catalog"])),
    }
    settings = settings_for({})
    gateway = Gateway(
        settings, transports=transports, loader=compose_from_subgraphs(settings, transports)
    )
    app = create_gateway_app(settings, gateway)
    try:
        await gateway.start()
        for _ in range(200):
            if gateway.snapshot is not None:
                break
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gw.test"
        ) as client:
            response = await client.post("/graphql", json={"query": QUERY})
        assert response.json()["data"]["products"][0] == {"name": "Lamp"}
        assert received["catalog"].refused == []
    finally:
        await app.state.users.close()
        await gateway.close()

"""The edge under test: the gateway app over the two fixture subgraphs served by real uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from core.config import Settings
from supergraph.gateway import Gateway
from supergraph.http.app import create_gateway_app
from tests.fixtures.federation.serve import serve_http
from tests.supergraph.http.edge_fixture import (
    AUDIENCE,
    ISSUER,
    SECRET,
    SUPERGRAPH_FILE,
    Identity,
    Received,
    catalog_app,
    default_identity,
    users_app,
)

ORIGIN = "https://app.example.com"
PREFLIGHT = {"Apollo-Require-Preflight": "true"}


def planner_available() -> bool:
    try:
        from supergraph.plan import QueryPlanner  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class EdgeStack:
    app: Starlette
    gateway: Gateway
    settings: Settings
    identity: Identity
    received: dict[str, Received]
    urls: dict[str, str]
    loaded: bool

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://gateway.test", **kwargs
        )

    def require_loaded(self) -> None:
        if not self.loaded:
            pytest.skip(
                "supergraph.plan.QueryPlanner has not landed yet: no snapshot to execute on"
            )

    def clear(self) -> None:
        for received in self.received.values():
            received.clear()


def settings_for(urls: dict[str, str], **changes: Any) -> Settings:
    base = Settings(
        env="test",
        internal_token_secret=SECRET,
        subgraph_urls=dict(urls),
        cors_origins=(ORIGIN,),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )
    return base.with_(**changes) if changes else base


@asynccontextmanager
async def served_subgraphs() -> AsyncIterator[tuple[Identity, dict[str, Received], dict[str, str]]]:
    identity = default_identity()
    received = {"users": Received(), "catalog": Received()}
    apps = {
        "users": users_app(identity, received["users"]),
        "catalog": catalog_app(received["catalog"]),
    }
    async with serve_http({}, extra_apps=apps) as urls:
        yield identity, received, urls


@asynccontextmanager
async def edge_stack(load: bool = True, **changes: Any) -> AsyncIterator[EdgeStack]:
    async with served_subgraphs() as (identity, received, urls):
        async with app_over(identity, received, urls, load=load, **changes) as stack:
            yield stack


@asynccontextmanager
async def app_over(
    identity: Identity,
    received: dict[str, Received],
    urls: dict[str, str],
    *,
    load: bool = True,
    jwks_refetch_interval: float = 0.0,
    **changes: Any,
) -> AsyncIterator[EdgeStack]:
    settings = settings_for(urls, **changes)
    gateway = Gateway(settings)
    loaded = False
    if load and planner_available():
        await gateway.load(SUPERGRAPH_FILE.read_text())
        loaded = True
    app = create_gateway_app(settings, gateway, jwks_refetch_interval=jwks_refetch_interval)
    try:
        yield EdgeStack(app, gateway, settings, identity, received, urls, loaded)
    finally:
        await gateway.close()
        await app.state.users.close()

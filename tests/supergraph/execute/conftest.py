"""Fixture subgraphs served over real HTTP (uvicorn) and in-process ASGI, and executors on them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
import strawberry
from graphql import GraphQLSchema, build_schema
from starlette.types import ASGIApp

from supergraph.execute import Executor
from supergraph.transport import AsgiTransport, HttpTransport, SubgraphTransport
from tests.fixtures.federation import classic, faults, mutations
from tests.fixtures.federation.serve import RequestLog, asgi_apps, serve_http

CLASSIC_API_SDL = """
type Query { me: User user(id: ID!): User users: [User] topProducts(first: Int = 5): [Product] }
type User { id: ID! name: String username: String birthday: Int reviews: [Review] }
type Product { upc: String! weight: Int price: Int inStock: Boolean shippingEstimate: Int
  name: String reviews: [Review] }
type Review { id: ID! body: String product: Product author: User }
"""

FAULTS_API_SDL = """
type Query { items: [Item!]! pair: [Item!]! maybeItems: [Item] ping: String }
type Item { id: ID! name: String! broken: String rating: Int score: Int! }
"""


@dataclass
class Served:
    """One fixture set, served both ways, with the log of requests its subgraphs received."""

    subgraphs: Mapping[str, strawberry.federation.Schema]
    urls: dict[str, str]
    log: RequestLog
    extra_apps: Mapping[str, ASGIApp] = field(default_factory=dict)

    def transports(self, kind: str, timeout: float = 10.0) -> dict[str, SubgraphTransport]:
        if kind == "http":
            return {name: HttpTransport(name, url, timeout) for name, url in self.urls.items()}
        apps = {**asgi_apps(self.subgraphs, self.log), **self.extra_apps}
        return {name: AsgiTransport(name, app, timeout) for name, app in apps.items()}


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def classic_served() -> AsyncIterator[Served]:
    log = RequestLog()
    async with serve_http(classic.SUBGRAPHS, log) as urls:
        yield Served(classic.SUBGRAPHS, urls, log)


@pytest.fixture(scope="session")
def classic_api() -> GraphQLSchema:
    return build_schema(CLASSIC_API_SDL)


def headers_for(service: str) -> dict[str, str]:
    return {"x-internal-token": f"test-token-for-{service}"}


@pytest_asyncio.fixture(params=["http", "asgi"], loop_scope="session")
async def classic_executor(
    request: pytest.FixtureRequest, classic_served: Served, classic_api: GraphQLSchema
) -> AsyncIterator[Executor]:
    classic_served.log.clear()
    executor = Executor(
        classic_served.transports(request.param), classic_api, mask_subgraph_errors=False
    )
    yield executor
    await executor.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def faults_served() -> AsyncIterator[Served]:
    log = RequestLog()
    async with serve_http(faults.SUBGRAPHS, log, extra_apps=faults.MISBEHAVING) as urls:
        yield Served(faults.SUBGRAPHS, urls, log, extra_apps=faults.MISBEHAVING)


def make_faults_executor(
    served: Served, kind: str, *, mask: bool = False, timeout: float = 10.0
) -> Executor:
    return Executor(
        served.transports(kind, timeout), build_schema(FAULTS_API_SDL), mask_subgraph_errors=mask
    )


@pytest_asyncio.fixture(params=["http", "asgi"], loop_scope="session")
async def faults_executor(
    request: pytest.FixtureRequest, faults_served: Served
) -> AsyncIterator[Executor]:
    faults_served.log.clear()
    executor = make_faults_executor(faults_served, request.param)
    yield executor
    await executor.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def mutations_served() -> AsyncIterator[Served]:
    log = RequestLog()
    async with serve_http(mutations.SUBGRAPHS, log) as urls:
        yield Served(mutations.SUBGRAPHS, urls, log)

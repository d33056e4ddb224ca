"""A case's gateway: compose its subgraphs (or take given supergraph SDL) and run operations.

Operations go through the gateway's own request path (`OperationRunner`: validation, variable
coercion, authorization, planning, execution) over in-process ASGI transports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from core.config import Settings
from core.security.principal import Principal, RequestContext
from supergraph.compose import SubgraphDefinition, compose
from supergraph.gateway import Gateway
from supergraph.http.app import create_gateway_app
from supergraph.http.operation import OperationRunner
from supergraph.transport import AsgiTransport
from tests.supergraph.conformance.subgraph import Subgraph

SECRET = "conformance-internal-token-secret-0123456789"


class CompositionFailed(AssertionError):
    """The case's subgraphs did not compose; the message lists every error code and text."""


def subgraph_url(name: str) -> str:
    return f"http://{name}.conformance.test/graphql"


def composed(subgraphs: Sequence[Subgraph]) -> str:
    """The supergraph SDL our composer makes of `subgraphs`, or `CompositionFailed`."""
    result = compose([SubgraphDefinition(s.name, subgraph_url(s.name), s.sdl) for s in subgraphs])
    if result.supergraph_sdl is None:
        raise CompositionFailed("; ".join(f"{e.code}: {e.message}" for e in result.errors))
    return result.supergraph_sdl


@dataclass
class CaseGateway:
    runner: OperationRunner
    subgraphs: dict[str, Subgraph]
    supergraph_sdl: str
    settings: Settings

    async def run(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        principal: Principal | None = None,
    ) -> dict[str, Any]:
        result = await self.runner.run(
            query,
            variables,
            operation_name,
            principal or Principal.guest(),
            RequestContext(request_id="conformance"),
            media_type="application/json",
        )
        return result.body

    @asynccontextmanager
    async def http(self) -> AsyncIterator[httpx.AsyncClient]:
        """A client of the gateway's real HTTP app (GraphQL over HTTP, CSRF, auth) over it."""
        app = create_gateway_app(self.settings, self.runner.gateway, close_gateway=False)
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:
                yield client
        finally:
            await app.state.users.close()

    def clear(self) -> None:
        for subgraph in self.subgraphs.values():
            subgraph.received.clear()


@asynccontextmanager
async def case_gateway(
    subgraphs: Sequence[Subgraph], supergraph_sdl: str | None = None
) -> AsyncIterator[CaseGateway]:
    """A loaded gateway over `subgraphs` (composed by us unless `supergraph_sdl` is given)."""
    sdl = supergraph_sdl if supergraph_sdl is not None else composed(subgraphs)
    settings = Settings(env="test", internal_token_secret=SECRET)
    transports = {s.name: AsgiTransport(s.name, s) for s in subgraphs}
    gateway = Gateway(settings, transports=transports, mask_subgraph_errors=False)
    await gateway.load(sdl)
    try:
        yield CaseGateway(
            OperationRunner(gateway, SECRET), {s.name: s for s in subgraphs}, sdl, settings
        )
    finally:
        await gateway.close()

"""Per-subgraph timeouts: `SUBGRAPH_<NAME>_TIMEOUT_SECONDS` wins over `SUBGRAPH_TIMEOUT_SECONDS`."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.config import Settings
from supergraph.compose import SubgraphDefinition, compose
from supergraph.gateway import Gateway
from supergraph.transport import AsgiTransport, SubgraphTransport

ANSWER_AFTER_SECONDS = 0.5

FEDERATION = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
SUPERGRAPH = compose(
    [
        SubgraphDefinition(
            name,
            f"http://{name}.invalid/graphql",
            f"extend schema {FEDERATION}\ntype Query {{ {name}: String }}",
        )
        for name in ("hasty", "patient")
    ]
).supergraph_sdl


def _answering_late(field: str) -> Starlette:
    async def endpoint(request: Request) -> Response:
        await request.body()
        await asyncio.sleep(ANSWER_AFTER_SECONDS)
        return JSONResponse({"data": {field: field}})

    return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])


APPS = {"hasty": _answering_late("hasty"), "patient": _answering_late("patient")}


def _in_process(name: str, url: str, timeout: float) -> SubgraphTransport:
    return AsgiTransport(name, APPS[name], timeout)


def test_subgraph_timeout_variable_overrides_the_global_one_for_that_subgraph() -> None:
    settings = Settings.from_env(
        {"SUBGRAPH_TIMEOUT_SECONDS": "5", "SUBGRAPH_HASTY_TIMEOUT_SECONDS": "0.2"}
    )
    assert settings.subgraph_timeout("hasty") == 0.2
    assert settings.subgraph_timeout("patient") == 5.0


async def test_only_the_subgraph_past_its_own_timeout_gives_gateway_timeout() -> None:
    # Both answer after 0.5 s: past hasty's own 0.2 s, within the global 5 s patient keeps.
    settings = Settings.from_env(
        {"SUBGRAPH_TIMEOUT_SECONDS": "5", "SUBGRAPH_HASTY_TIMEOUT_SECONDS": "0.2"}
    )
    gateway = Gateway(settings, transport_factory=_in_process)
    try:
        assert SUPERGRAPH is not None
        snapshot = await gateway.load(SUPERGRAPH)
        query = "{ hasty patient }"
        prepared = snapshot.prepare(query)
        assert prepared.ok and prepared.document is not None
        plan = snapshot.plan(query, prepared.document, None, frozenset())
        response = await snapshot.executor.execute(plan, {}, lambda service: {}, "guest")
    finally:
        await gateway.close()
    assert response["data"] == {"hasty": None, "patient": "patient"}
    assert response["errors"] == [
        {
            "message": "HTTP fetch failed from 'hasty': subgraph 'hasty' did not answer "
            "within 0.2s",
            "extensions": {"code": "GATEWAY_TIMEOUT", "service": "hasty"},
        }
    ]

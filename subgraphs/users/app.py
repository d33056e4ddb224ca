"""The users subgraph app (port 4001): accounts, sign-in, tokens, API keys, JWKS."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.config import Settings
from subgraphs.kit.app import SubgraphState, create_subgraph_app
from subgraphs.kit.context import SubgraphResources
from subgraphs.users import api_keys
from subgraphs.users.schema import schema
from subgraphs.users.sessions import signing_key

NAME = "users"


async def jwks(request: Request) -> Response:
    """The public keys that verify access tokens (no token needed)."""
    state: SubgraphState = request.app.state.subgraph
    return JSONResponse(
        signing_key(state.settings).jwks(), headers={"Cache-Control": "public, max-age=300"}
    )


def create_app(settings: Settings, resources: SubgraphResources | None = None) -> Starlette:
    routes = [Route("/.well-known/jwks.json", jwks, methods=["GET"]), *api_keys.routes]
    return create_subgraph_app(NAME, schema, settings, resources, extra_routes=routes)

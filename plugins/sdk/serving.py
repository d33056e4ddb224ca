"""The served plugin: its subgraph at `/graphql` and its `routes` under `/http/`, both behind
X-Internal-Token, and `/health`, on the Unix socket the supervisor gave it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL

from core.security import internal_token
from core.security.internal_token import InternalClaims, InternalTokenError
from plugins.sdk import http, sandbox
from plugins.sdk.config import RunnerConfig, RunnerConfigError
from plugins.sdk.database import PluginConnection, libpq_url
from plugins.sdk.gateway import gateway_for
from plugins.sdk.package import import_package, schema_of
from plugins.sdk.request import PluginRequest

CLAIMS_KEY = "althaus.plugin_claims"
UNAUTHENTICATED_CODE = "UNAUTHENTICATED_SUBGRAPH_REQUEST"
ROUTE_FAILED_CODE = "PLUGIN_ROUTE_FAILED"
ROUTE_NOT_FOUND_CODE = "PLUGIN_ROUTE_NOT_FOUND"
NOT_FOUND_MESSAGE = "No such route in this plugin."
FAILED_MESSAGE = "Unexpected error."
IMPORT_FAILED_CODE = "PLUGIN_IMPORT_FAILED"

log = logging.getLogger("althaus.plugin")


class RunnerState:
    def __init__(self, config: RunnerConfig, protections: sandbox.Protections) -> None:
        self.config = config
        self.protections = protections
        self.pool: Any = None
        self.gateway = gateway_for(config.gateway_url, config.gateway_key)

    def plugin_request(self, claims: InternalClaims) -> PluginRequest:
        return PluginRequest(
            name=self.config.name,
            principal=claims.principal,
            context=claims.context,
            settings=self.config.settings,
            pool=self.pool,
            gateway_client=self.gateway,
        )


class PluginGraphQL(GraphQL[PluginRequest, None]):
    def __init__(self, schema: strawberry.Schema, state: RunnerState) -> None:
        super().__init__(schema, graphql_ide=None, multipart_uploads_enabled=True)
        self.state = state

    async def get_context(self, request: Any, response: Any) -> PluginRequest:
        return self.state.plugin_request(request.scope[CLAIMS_KEY])


class RequireInternalToken:
    """401 for any request without a valid token for audience `plugin_<name>`; the verified
    claims are left in the scope under CLAIMS_KEY."""

    def __init__(self, app: ASGIApp, config: RunnerConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            try:
                scope[CLAIMS_KEY] = internal_token.verify(
                    request.headers.get(internal_token.HEADER),
                    self.config.audience,
                    self.config.token_key,
                    derived_key=True,
                )
            except InternalTokenError as exc:
                body = {
                    "errors": [{"message": str(exc), "extensions": {"code": UNAUTHENTICATED_CODE}}]
                }
                await JSONResponse(body, status_code=401)(scope, receive, send)
                return
        elif scope["type"] != "lifespan":
            return
        await self.app(scope, receive, send)


def _route_error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _route_not_found(request: Request, exc: Exception) -> Response:
    return _route_error(ROUTE_NOT_FOUND_CODE, NOT_FOUND_MESSAGE, 404)


async def _route_failed(request: Request, exc: Exception) -> Response:
    # Logged before the 500 is sent: the traceback is in the plugin's stderr.log by the time
    # the client has its answer. The client never sees it.
    log.error("route %s %s failed", request.method, request.url.path, exc_info=exc)
    return _route_error(ROUTE_FAILED_CODE, FAILED_MESSAGE, 500)


class PluginRoutes:
    """The package's `routes`, mounted under `/http` behind RequireInternalToken: each request
    gets its PluginRequest at `scope[plugins.sdk.http.SCOPE_KEY]`; an unexpected exception
    becomes a masked 500 (logged to stderr, never sent to the client)."""

    def __init__(self, routes: Sequence[BaseRoute] | None, state: RunnerState) -> None:
        self.state = state
        self.app: ASGIApp | None = None
        if routes:
            self.app = Starlette(
                routes=list(routes),
                exception_handlers={404: _route_not_found, Exception: _route_failed},
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if self.app is None:
            await _route_error(ROUTE_NOT_FOUND_CODE, NOT_FOUND_MESSAGE, 404)(scope, receive, send)
            return
        scope[http.SCOPE_KEY] = self.state.plugin_request(scope[CLAIMS_KEY])
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            # Starlette re-raises after `_route_failed` has logged it and answered; it stops here
            # so the server does not log it twice.
            if not started:
                response = await _route_failed(Request(scope), exc)
                await response(scope, receive, send)


def build_app(schema: strawberry.Schema, state: RunnerState, package: Any = None) -> Starlette:
    async def health(request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "plugin": state.config.name,
                "pid": os.getpid(),
                "protections": state.protections.as_dict(),
            }
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if state.config.database_url:
            state.pool = await asyncpg.create_pool(
                libpq_url(state.config.database_url),
                min_size=0,
                max_size=2,
                server_settings={"search_path": state.config.schema_name},
                connection_class=PluginConnection,
            )
        try:
            yield
        finally:
            if state.pool is not None:
                await state.pool.close()
            if state.gateway is not None:
                await state.gateway.aclose()

    graphql = RequireInternalToken(PluginGraphQL(schema, state), state.config)
    routes = RequireInternalToken(
        PluginRoutes(getattr(package, "routes", None), state), state.config
    )
    return Starlette(
        routes=[
            Route("/health", health),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount("/http", app=routes),
        ],
        lifespan=lifespan,
    )


def serve(config: RunnerConfig, protections: sandbox.Protections) -> int:
    """Import the plugin (the sandbox is already applied) and serve it until stopped; 3 when it
    cannot be imported or has no schema."""
    try:
        package = import_package(config)
        schema = schema_of(package, config.name)
    except RunnerConfigError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:
        print(f"{IMPORT_FAILED_CODE}: {config.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    state = RunnerState(config, protections)
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(schema, state, package),
            uds=str(config.socket),
            log_level="warning",
            lifespan="on",
            access_log=False,
        )
    )
    asyncio.run(server.serve())
    return 0

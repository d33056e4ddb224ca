"""`create_gateway_app(settings, gateway)`: the gateway's Starlette app, for every way it is run."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from core.config import ConfigError, Settings
from core.security.revocations import RevocationFollower
from supergraph.auth.api_keys import ApiKeyResolver
from supergraph.auth.authenticator import Authenticator
from supergraph.auth.errors import AuthServiceUnavailableError
from supergraph.auth.jwks import KeySet
from supergraph.auth.tokens import AccessTokenVerifier
from supergraph.auth.users_service import UsersService, origin_of
from supergraph.gateway import Gateway
from supergraph.http.context import PLUGIN_BODY_MAX_BYTES, Edge
from supergraph.http.edge import EdgeMiddleware
from supergraph.http.graphiql import ASSETS_PREFIX, DEFAULT_DIST
from supergraph.http.graphql import graphql_endpoint
from supergraph.http.health import ReadinessProbe, health_endpoint, ready_endpoint
from supergraph.http.operation import OperationRunner
from supergraph.http.plugin_routes import METHODS as PLUGIN_ROUTE_METHODS
from supergraph.http.plugin_routes import plugin_route_endpoint
from supergraph.http.session import create_session, end_session, refresh_session
from supergraph.http.uploads import UPLOAD_MAX_BYTES, UPLOAD_MAX_FILES, UploadLimits

JWKS_PATH = "/.well-known/jwks.json"

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]

CORS_HEADERS = (
    "Accept",
    "Authorization",
    "Content-Type",
    "X-Api-Key",
    "X-Request-Id",
    "Apollo-Require-Preflight",
    "X-Apollo-Operation-Name",
    "X-CSRF-Token",
    "Apollographql-Client-Name",
    "Apollographql-Client-Version",
    "Traceparent",
)


def users_origin(gateway: Gateway) -> Callable[[], str | None]:
    """The users subgraph's origin in the current snapshot (SUBGRAPH_USERS_URL wins)."""

    def origin() -> str | None:
        snapshot = gateway.snapshot
        if snapshot is None:
            return None
        info = snapshot.supergraph.subgraphs.get("users")
        if info is None:
            return None
        return origin_of(gateway.subgraph_url("users", info.url))

    return origin


def create_gateway_app(
    settings: Settings,
    gateway: Gateway,
    *,
    users: UsersService | None = None,
    graphiql_dir: Path | None = None,
    jwks_refetch_interval: float = 30.0,
    api_key_ttl: float = 30.0,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    extra_routes: Sequence[BaseRoute] = (),
    close_gateway: bool = True,
    upload_max_bytes: int = UPLOAD_MAX_BYTES,
    upload_max_files: int = UPLOAD_MAX_FILES,
    plugin_body_max_bytes: int = PLUGIN_BODY_MAX_BYTES,
    revocations: RevocationFollower | None = None,
) -> Starlette:
    """The gateway's HTTP app.

    `users` reaches the users subgraph's JWKS and API-key endpoints (by default over HTTP at
    the origin of the supergraph's `users` URL; `althaus dev` passes one bound to the in-process
    app). `on_startup`/`on_shutdown` run in the app's lifespan (load the supergraph there).
    `upload_max_bytes`/`upload_max_files` bound a multipart (file upload) request;
    `plugin_body_max_bytes` the body forwarded to a plugin HTTP route. `revocations` (over
    the platform's Redis) refuses the access tokens of deactivated users and of users whose
    role changed; the lifespan starts and stops it (`althaus dev`, which does not run this
    lifespan, does so itself). Without it, such tokens pass until they expire, as a start-up
    log line says.
    """
    secret = settings.internal_token_secret
    if not secret:
        raise ConfigError(
            "INTERNAL_TOKEN_SECRET", "required by the gateway to sign subgraph requests"
        )
    users_service = users or UsersService(users_origin(gateway))
    keys = KeySet(lambda: _fetch_jwks(users_service), refetch_interval=jwks_refetch_interval)
    authenticator = Authenticator(
        AccessTokenVerifier(
            keys,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            revocations=revocations,
        ),
        ApiKeyResolver(users_service, secret, ttl=api_key_ttl),
    )
    dist = graphiql_dir or DEFAULT_DIST
    edge = Edge(
        settings,
        OperationRunner(gateway, secret),
        authenticator,
        dist,
        upload_limits=UploadLimits(upload_max_bytes, upload_max_files),
        plugin_body_max_bytes=plugin_body_max_bytes,
    )

    routes: list[BaseRoute] = [
        Route("/graphql", graphql_endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        Route("/health", health_endpoint, methods=["GET"]),
        Route("/ready", ready_endpoint, methods=["GET"]),
        Route("/auth/session", create_session, methods=["POST"]),
        Route("/auth/refresh", refresh_session, methods=["POST"]),
        Route("/auth/logout", end_session, methods=["POST"]),
        Route(
            "/api/plugins/{name}/{path:path}",
            plugin_route_endpoint,
            methods=list(PLUGIN_ROUTE_METHODS),
        ),
        *extra_routes,
    ]
    if settings.graphiql:
        routes.append(
            Mount(ASSETS_PREFIX, app=StaticFiles(directory=dist, check_dir=False), name="graphiql")
        )

    origins = list(settings.cors_origins)
    middleware = [
        Middleware(EdgeMiddleware),
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            # Credentials (cookies) only for origins named one by one, never for "*".
            allow_credentials="*" not in origins,
            # PUT, PATCH and DELETE for plugin HTTP routes; /graphql answers them 405.
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=list(CORS_HEADERS),
            expose_headers=["X-Request-Id"],
            max_age=600,
        ),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await gateway.start()
        if revocations is not None:
            await revocations.start()
        else:
            _log_revocations_off()
        for hook in on_startup:
            await hook()
        try:
            yield
        finally:
            if revocations is not None:
                await revocations.close()
            for hook in on_shutdown:
                await hook()
            await users_service.close()
            if close_gateway:
                await gateway.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.edge = edge
    app.state.gateway = gateway
    app.state.users = users_service
    app.state.revocations = revocations
    app.state.readiness = ReadinessProbe(gateway, secret)
    return app


def _log_revocations_off() -> None:
    log.warning(
        "no Redis: access tokens of deactivated users (or of users whose role changed) are "
        "accepted until they expire; set REDIS_URL to refuse them at once"
    )


async def _fetch_jwks(users: UsersService) -> object:
    status, body = await users.get_json(JWKS_PATH)
    if status != 200:
        raise AuthServiceUnavailableError(f"the users subgraph's JWKS answered HTTP {status}")
    return body

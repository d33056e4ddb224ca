"""The subgraph app factory: Strawberry federation schema -> Starlette app with the kit around it.

Routes: `POST/GET /graphql` (needs a valid X-Internal-Token and, for a signed-in user, an access
token not revoked since it was issued), `GET /health` (open), and whatever `extra_routes` the
subgraph adds (each decides its own authentication).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import orjson
import strawberry
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from core.config import ConfigError, Settings
from core.logging import USER_ID_STATE, bind_request
from core.security import internal_token, revocations
from core.security.internal_token import InternalClaims, InternalTokenError
from core.security.principal import Principal
from subgraphs.kit.context import RequestActor, SubgraphContext, SubgraphResources, current_actor
from subgraphs.kit.errors import format_error

CLAIMS_KEY = "althaus.internal_claims"
UNAUTHENTICATED_CODE = "UNAUTHENTICATED_SUBGRAPH_REQUEST"
REVOKED_CODE = "UNAUTHENTICATED"

log = logging.getLogger(__name__)


class SubgraphState:
    """Settings and resources of one subgraph app; resources may arrive in the lifespan."""

    def __init__(self, name: str, settings: Settings, resources: SubgraphResources | None) -> None:
        self.name = name
        self.settings = settings
        self._resources = resources

    @property
    def resources(self) -> SubgraphResources:
        if self._resources is None:
            raise RuntimeError(f"subgraph {self.name!r} has no resources yet (lifespan not run)")
        return self._resources

    def attach(self, resources: SubgraphResources, resolved: Settings | None) -> None:
        """Use `resources`; take the secrets the given settings lack from `resolved` (the
        settings the resources were opened with, generated dev secrets filled in)."""
        self._resources = resources
        if resolved is None:
            return
        fill: dict[str, object] = {}
        if self.settings.internal_token_secret is None:
            fill["internal_token_secret"] = resolved.internal_token_secret
        if self.settings.jwt_private_key is None:
            fill["jwt_private_key"] = resolved.jwt_private_key
        if fill:
            self.settings = self.settings.with_(**fill)

    def secret(self) -> str:
        secret = self.settings.internal_token_secret
        if not secret:
            raise ConfigError("INTERNAL_TOKEN_SECRET", "not set; subgraphs cannot verify requests")
        return secret


def unauthenticated(message: str, code: str = UNAUTHENTICATED_CODE) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=401)


async def revoked(principal: Principal, state: SubgraphState) -> bool:
    """Whether a user principal's access token was revoked (deactivated, or role changed).

    One Redis GET per request of a signed-in user. The gateway refuses such tokens first, from
    memory; this is defence in depth, so when Redis cannot be read the request is let through
    (and logged) rather than every subgraph refusing everyone.
    """
    if principal.kind != "user" or not principal.sub:
        return False
    try:
        at = await revocations.revoked_at(state.resources.redis, state.settings, principal.sub)
    except RedisError as exc:
        log.warning(
            "revoked access tokens not checked: Redis unavailable",
            extra={"context": {"error": str(exc)}},
        )
        return False
    return revocations.refuses(at, principal.issued_at)


def verify_request(request: Request, state: SubgraphState) -> InternalClaims:
    """The principal of a request from its X-Internal-Token (never from X-User-* headers)."""
    return internal_token.verify(
        request.headers.get(internal_token.HEADER), audience=state.name, secret=state.secret()
    )


class InternalTokenGuard:
    """Answers 401 unless the request carries a valid X-Internal-Token for this subgraph."""

    def __init__(self, app: ASGIApp, state: SubgraphState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await unauthenticated("subgraphs serve HTTP only")(scope, receive, send)
            return
        try:
            claims = verify_request(Request(scope), self.state)
        except InternalTokenError as exc:
            await unauthenticated(f"subgraph request refused: {exc}")(scope, receive, send)
            return
        if await revoked(claims.principal, self.state):
            refusal = unauthenticated(
                "access token revoked (the account was deactivated or its role changed); "
                "sign in again",
                REVOKED_CODE,
            )
            await refusal(scope, receive, send)
            return
        scope[CLAIMS_KEY] = claims
        # The verified principal, for the access line of whatever middleware logs it.
        scope.setdefault("state", {})[USER_ID_STATE] = claims.principal.sub
        token = current_actor.set(RequestActor(claims.principal, claims.context))
        try:
            with bind_request(claims.context.request_id or None, claims.principal.sub):
                await self.app(scope, receive, send)
        finally:
            current_actor.reset(token)


class SubgraphGraphQL(GraphQL[SubgraphContext, None]):
    """Strawberry's ASGI app with our context and error format."""

    def __init__(self, schema: strawberry.federation.Schema, state: SubgraphState) -> None:
        super().__init__(
            schema, graphql_ide=None, allow_queries_via_get=True, multipart_uploads_enabled=True
        )
        self.state = state

    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> SubgraphContext:
        claims: InternalClaims = request.scope[CLAIMS_KEY]
        assert isinstance(request, Request)
        return SubgraphContext(
            request=request,
            principal=claims.principal,
            request_context=claims.context,
            settings=self.state.settings,
            resources=self.state.resources,
        )

    async def process_result(  # type: ignore[override]
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        development = self.state.settings.is_development
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(e, development=development) for e in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response  # type: ignore[return-value]

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)


def create_subgraph_app(
    name: str,
    schema: strawberry.federation.Schema,
    settings: Settings,
    resources: SubgraphResources | None,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """A Federation 2 subgraph on Starlette. With `resources` None, the lifespan opens them."""
    state = SubgraphState(name, settings, None)
    if resources is not None:
        state.attach(resources, getattr(resources, "settings", None))
    graphql_app = InternalTokenGuard(SubgraphGraphQL(schema, state), state)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "subgraph": name})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if resources is not None:
            yield
            return
        from core.resources import Resources

        opened = await Resources.open(settings)
        state.attach(opened, opened.settings)
        try:
            yield
        finally:
            await opened.close()

    routes: list[BaseRoute] = [
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        *extra_routes,
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.subgraph = state
    return app

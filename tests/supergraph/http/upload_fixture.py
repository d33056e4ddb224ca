"""Real subgraphs for the upload and plugin-route tests.

`files` and `archive` are Strawberry subgraphs with multipart uploads enabled: each answers the
name, size and SHA-256 of the files it received, so a test can tell the bytes arrived intact.
`plugin_xyz` stands in for a plugin's process: GraphQL on `/graphql`, plain HTTP routes under
`/http/...`, both checking the X-Internal-Token with the plugin's derived key, as the plugin
runner does. Everything each one saw is recorded in a `Seen`.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.file_uploads import Upload

from core.security import internal_token
from supergraph.compose import SubgraphDefinition, compose
from tests.supergraph.http.edge_fixture import SECRET, USERS_SCHEMA

# "x" alone would not do: plugin names match [a-z][a-z0-9_]{2,40} (the manifest's rule).
PLUGIN_NAME = "xyz"
PLUGIN = f"plugin_{PLUGIN_NAME}"
PLUGIN_KEY = internal_token.plugin_key(SECRET, PLUGIN)


@dataclass
class Seen:
    """What one fixture app received: request content types, verified claims, refusals, and
    (for the plugin) each HTTP route request as it arrived."""

    content_types: list[str] = field(default_factory=list)
    claims: list[internal_token.InternalClaims] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)

    def clear(self) -> None:
        self.content_types.clear()
        self.claims.clear()
        self.refused.clear()
        self.routes.clear()


# ---------------------------------------------------------------- files and archive


@strawberry.type
class FileInfo:
    filename: str
    content_type: str | None
    size: int
    sha256: str


async def _info(file: Any) -> FileInfo:
    await file.seek(0)  # one file may fill several places: each reads it from the start
    content = await file.read()
    return FileInfo(
        filename=file.filename,
        content_type=file.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


@strawberry.input
class Attachment:
    label: str
    file: Upload


@strawberry.type
class FilesQuery:
    @strawberry.field
    def ping(self) -> str:
        return "pong"

    @strawberry.field
    async def peek(self, file: Upload | None = None) -> int:
        return 0 if file is None else len(await file.read())


@strawberry.type
class FilesMutation:
    @strawberry.mutation
    async def upload(self, file: Upload) -> FileInfo:
        return await _info(file)

    @strawberry.mutation
    async def upload_many(self, files: list[Upload]) -> list[FileInfo]:
        return [await _info(file) for file in files]

    @strawberry.mutation
    async def attach(self, attachment: Attachment) -> str:
        info = await _info(attachment.file)
        return f"{attachment.label}:{info.size}"


FILES_SCHEMA = strawberry.federation.Schema(query=FilesQuery, mutation=FilesMutation)


@strawberry.type
class ArchiveEntry:
    name: str
    bytes: int
    digest: str


@strawberry.type
class ArchiveQuery:
    @strawberry.field
    def archived(self) -> int:
        return 0


@strawberry.type
class ArchiveMutation:
    @strawberry.mutation
    async def archive(self, file: Upload) -> ArchiveEntry:
        info = await _info(file)
        return ArchiveEntry(name=info.filename, bytes=info.size, digest=info.sha256)


ARCHIVE_SCHEMA = strawberry.federation.Schema(query=ArchiveQuery, mutation=ArchiveMutation)


class _Verified:
    """Refuses requests without a valid internal token for `audience`; records the rest."""

    def __init__(self, audience: str, app: ASGIApp, seen: Seen, *, derived: bool) -> None:
        self.audience = audience
        self.app = app
        self.seen = seen
        self.derived = derived

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        try:
            claims = internal_token.verify(
                request.headers.get(internal_token.HEADER),
                self.audience,
                PLUGIN_KEY if self.derived else SECRET,
                derived_key=self.derived,
            )
        except internal_token.InternalTokenError as exc:
            self.seen.refused.append(str(exc))
            await JSONResponse({"errors": [{"message": str(exc)}]}, status_code=401)(
                scope, receive, send
            )
            return
        self.seen.claims.append(claims)
        self.seen.content_types.append(request.headers.get("content-type", ""))
        scope.setdefault("state", {})["claims"] = claims
        await self.app(scope, receive, send)


def _graphql(schema: strawberry.federation.Schema) -> ASGIApp:
    return GraphQL(schema, graphql_ide=None, multipart_uploads_enabled=True)


def files_app(seen: Seen) -> Starlette:
    graphql = _Verified("files", _graphql(FILES_SCHEMA), seen, derived=False)
    return Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"])])


def archive_app(seen: Seen) -> Starlette:
    graphql = _Verified("archive", _graphql(ARCHIVE_SCHEMA), seen, derived=False)
    return Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"])])


# ---------------------------------------------------------------- the plugin's process


@strawberry.type
class PluginQuery:
    @strawberry.field
    def x_version(self) -> str:
        return "1.0"


PLUGIN_SCHEMA = strawberry.federation.Schema(query=PluginQuery)


def plugin_app(seen: Seen) -> Starlette:
    """A plugin process: `/graphql` and `/http/<path>` (echo, `status/<code>`, `slow`)."""

    async def route(request: Request) -> Response:
        claims: internal_token.InternalClaims = request.scope["state"]["claims"]
        path = request.path_params["path"]
        body = await request.body()
        seen.routes.append(
            {
                "method": request.method,
                "path": path,
                "raw_path": request.scope.get("raw_path", b"").decode("latin-1"),
                "query": request.scope.get("query_string", b"").decode("latin-1"),
                "body": body,
                "headers": dict(request.headers),
                "sub": claims.principal.sub,
                "role": claims.principal.role,
                "ip": claims.context.ip,
                "user_agent": claims.context.user_agent,
                "request_id": claims.context.request_id,
            }
        )
        if path == "slow":
            await asyncio.sleep(5)
        if path.startswith("status/"):
            return PlainTextResponse(
                "teapot here",
                status_code=int(path.split("/", 1)[1]),
                headers={
                    "Location": "/api/plugins/xyz/elsewhere",
                    "Cache-Control": "max-age=60",
                    "Retry-After": "7",
                    "Set-Cookie": "plugin=1; Path=/",
                    "X-Plugin-Internal": "secret",
                },
            )
        return JSONResponse(
            {
                "method": request.method,
                "path": path,
                "query": dict(request.query_params),
                "body": body.decode("utf-8", "replace"),
                "sub": claims.principal.sub,
            },
            status_code=201 if request.method == "POST" else 200,
        )

    guarded_route = _Verified(PLUGIN, _Endpoint(route), seen, derived=True)
    graphql = _Verified(PLUGIN, _graphql(PLUGIN_SCHEMA), seen, derived=True)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route(
                "/http/{path:path}",
                guarded_route,
                methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            ),
        ]
    )


class _Endpoint:
    """A request handler as a plain ASGI app (so the guard can wrap it)."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handler(Request(scope, receive))
        await response(scope, receive, send)


def supergraph_sdl(urls: dict[str, str]) -> str:
    """users + files + archive + plugin_xyz, composed (URLs as given)."""
    schemas = {
        "users": USERS_SCHEMA,
        "files": FILES_SCHEMA,
        "archive": ARCHIVE_SCHEMA,
        PLUGIN: PLUGIN_SCHEMA,
    }
    result = compose(
        [SubgraphDefinition(name, urls[name], schemas[name].as_str()) for name in sorted(schemas)]
    )
    if result.supergraph_sdl is None:
        raise RuntimeError("; ".join(str(e) for e in result.errors))
    return result.supergraph_sdl

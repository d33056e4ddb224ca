"""The gateway over users, files, archive and plugin_xyz, reached over HTTP or in-process ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.types import ASGIApp

from supergraph.auth.users_service import UsersService
from supergraph.gateway import Gateway
from supergraph.http.app import create_gateway_app
from supergraph.transport.asgi import AsgiTransport
from supergraph.transport.base import SubgraphTransport
from tests.fixtures.federation.serve import serve_http
from tests.supergraph.http.edge_fixture import Identity, Received, default_identity, users_app
from tests.supergraph.http.stack import settings_for
from tests.supergraph.http.upload_fixture import (
    PLUGIN,
    Seen,
    archive_app,
    files_app,
    plugin_app,
    supergraph_sdl,
)

NAMES = ("users", "files", "archive", PLUGIN)


@dataclass
class UploadStack:
    kind: str  # "http" or "asgi"
    gateway: Gateway
    identity: Identity
    seen: dict[str, Seen]
    apps: dict[str, ASGIApp]
    urls: dict[str, str]
    sdl: str
    _apps_made: list[Starlette]

    def app(self, gateway: Gateway | None = None, **options: Any) -> Starlette:
        """A gateway app over this stack's gateway, or another (options: create_gateway_app's
        limits)."""
        users = (
            UsersService("http://users", app=self.apps["users"]) if self.kind == "asgi" else None
        )
        app = create_gateway_app(
            settings_for(self.urls if self.kind == "http" else {}),
            gateway or self.gateway,
            users=users,
            jwks_refetch_interval=0.0,
            **options,
        )
        self._apps_made.append(app)  # its users client is closed with the stack
        return app

    def client(self, app: Starlette | None = None, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app or self.app()),
            base_url="http://gateway.test",
            **kwargs,
        )

    def bearer(self, account_id: str = "u-ada") -> dict[str, str]:
        token = self.identity.access_token(self.identity.accounts[account_id])
        return {"Authorization": f"Bearer {token}"}

    def clear(self) -> None:
        for seen in self.seen.values():
            seen.clear()

    @asynccontextmanager
    async def gateway_with(
        self, transports: dict[str, SubgraphTransport] | None = None, **urls: str
    ) -> AsyncIterator[Gateway]:
        """Another gateway over the same supergraph, some subgraphs elsewhere (dead ones)."""
        overrides = dict(self._transports())
        overrides.update(transports or {})
        settings = settings_for({**self.urls, **urls} if self.kind == "http" else {})
        gateway = Gateway(settings, transports=overrides if self.kind == "asgi" else transports)
        await gateway.load(self.sdl)
        try:
            yield gateway
        finally:
            await gateway.close()

    def _transports(self) -> dict[str, SubgraphTransport]:
        if self.kind != "asgi":
            return {}
        return {name: AsgiTransport(name, app) for name, app in self.apps.items()}

    async def close(self) -> None:
        for app in self._apps_made:
            await app.state.users.close()
        await self.gateway.close()


def _apps(identity: Identity, seen: dict[str, Seen]) -> dict[str, ASGIApp]:
    return {
        "users": users_app(identity, Received()),
        "files": files_app(seen["files"]),
        "archive": archive_app(seen["archive"]),
        PLUGIN: plugin_app(seen[PLUGIN]),
    }


@asynccontextmanager
async def upload_stack(kind: str) -> AsyncIterator[UploadStack]:
    identity = default_identity()
    seen = {name: Seen() for name in NAMES}
    apps = _apps(identity, seen)
    if kind == "http":
        async with serve_http({}, extra_apps=apps) as urls:
            sdl = supergraph_sdl(urls)
            gateway = Gateway(settings_for(urls))
            await gateway.load(sdl)
            stack = UploadStack(kind, gateway, identity, seen, apps, urls, sdl, [])
            try:
                yield stack
            finally:
                await stack.close()
        return
    sdl = supergraph_sdl({name: f"http://{name}.invalid/graphql" for name in NAMES})
    transports: dict[str, SubgraphTransport] = {
        name: AsgiTransport(name, app) for name, app in apps.items()
    }
    gateway = Gateway(settings_for({}), transports=transports)
    await gateway.load(sdl)
    stack = UploadStack(kind, gateway, identity, seen, apps, {}, sdl, [])
    try:
        yield stack
    finally:
        await stack.close()

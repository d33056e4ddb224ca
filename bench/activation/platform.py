"""The whole platform in this process, reached through the gateway, with two users signed in."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import orjson

from althaus.commands.user import create_account
from althaus.platform import create_dev_app
from bench.activation.errors import BenchError, first_error
from bench.activation.scenario import DRAIN_SECONDS
from core.config import Settings
from core.resources import Resources
from subgraphs.plugins.lifecycle.host import HostOptions

Progress = Callable[[str], None]


class Platform:
    """The in-process platform with an editor and an admin signed in."""

    def __init__(self, client: httpx.AsyncClient, app: Any) -> None:
        self.client = client
        self.app = app
        self.admin_token = ""
        self.editor_token = ""

    @property
    def host(self) -> Any:
        return self.app.state.subgraphs["plugins"].state.plugin_host

    @property
    def resources(self) -> Resources:
        resources: Resources = self.app.state.resources
        return resources

    async def graphql(self, query: str, token: str = "", **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            return {"errors": [{"message": f"HTTP {response.status_code}: {response.text[:200]}"}]}
        return body

    async def login(self, login: str, password: str) -> str:
        answer = await self.graphql(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            i={"login": login, "password": password},
        )
        token = ((answer.get("data") or {}).get("login") or {}).get("accessToken")
        if not token:
            raise BenchError(f"could not sign in as {login}: {first_error(answer)}")
        return str(token)


@contextlib.asynccontextmanager
async def platform(settings: Settings, progress: Progress) -> AsyncIterator[Platform]:
    app = create_dev_app(settings, plugin_options=HostOptions(drain_seconds=DRAIN_SECONDS))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=60
        ) as client:
            running = Platform(client, app)
            try:
                await running.host.started.wait()
                engine = running.resources.engine
                suffix = secrets.token_hex(3)
                password = f"bench-{secrets.token_urlsafe(18)}"
                for role in ("admin", "editor"):
                    await create_account(
                        engine,
                        email=f"{role}{suffix}@example.com",
                        username=f"bench_{role}{suffix}",
                        role=role,
                        password=password,
                    )
                running.admin_token = await running.login(f"bench_admin{suffix}", password)
                running.editor_token = await running.login(f"bench_editor{suffix}", password)
                progress("platform started, editor and admin signed in")
                yield running
            finally:
                await running.host.supervisor.stop_all()

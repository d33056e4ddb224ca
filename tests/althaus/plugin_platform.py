"""An in-process platform for plugin lifecycle tests: `althaus dev`'s app with a test-sized
plugin host, an admin and an editor signed in, and a publisher key the platform trusts."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from althaus.commands.user import create_account
from althaus.platform import create_dev_app
from core.config import Settings
from core.resources import Resources
from core.security import internal_token
from core.security.principal import Principal, RequestContext
from core.security.roles import scopes_for_role
from subgraphs.plugins.engine import PluginNotInstalled, uninstall
from subgraphs.plugins.lifecycle.host import HostOptions
from subgraphs.plugins.package.keys import public_key_hex
from subgraphs.plugins.package.trust import add_publisher
from subgraphs.plugins.runtime import RestartPolicy

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
OPTIONS = HostOptions(
    drain_seconds=0.2,
    watchdog_seconds=1.0,
    scheduler_tick_seconds=1.0,
    restart=RestartPolicy(max_crashes=2, window=60, base_delay=0.1, max_delay=0.5),
)


class Dev:
    def __init__(self, client: httpx.AsyncClient, app: Any, settings: Settings) -> None:
        self.client = client
        self.app = app
        self.settings = settings
        self.admin_token = ""
        self.editor_token = ""

    @property
    def host(self) -> Any:
        return self.app.state.subgraphs["plugins"].state.plugin_host

    async def graphql(
        self, query: str, token: str | None = None, **variables: Any
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def login(self, login: str) -> str:
        answer = await self.graphql(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            i={"login": login, "password": PASSWORD},
        )
        assert "errors" not in answer, answer
        return str(answer["data"]["login"]["accessToken"])

    async def operator(self, action: str, body: bytes = b"", **params: str) -> list[dict[str, Any]]:
        """The operator endpoint `althaus plugin ...` calls, as NDJSON events."""
        operator = Principal(role="admin", scopes=scopes_for_role("admin"), kind="operator")
        secret = self.settings.internal_token_secret
        assert secret is not None
        token = internal_token.mint(operator, "plugins", secret, RequestContext("test-op"))
        response = await self.client.post(
            f"/subgraphs/plugins/engine/{action}",
            params=params,
            content=body,
            headers={internal_token.HEADER: token},
            timeout=120,
        )
        assert response.status_code == 200, response.text
        return [orjson.loads(line) for line in response.text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def publisher() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


async def forget(resources: Resources, *names: str) -> None:
    for name in names:
        try:
            await uninstall(resources.engine, name)
        except PluginNotInstalled:
            pass


async def running_platform(
    settings: Settings, resources: Resources, publisher: Ed25519PrivateKey, *names: str
) -> AsyncIterator[Dev]:
    """The platform for a module; `names` (plugins it installs) are removed before and after."""
    await forget(resources, *names)
    await add_publisher(resources.engine, public_key_hex(publisher), f"test-{secrets.token_hex(3)}")
    app = create_dev_app(settings, plugin_options=OPTIONS)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://dev", timeout=60
        ) as client:
            dev = Dev(client, app, app.state.resources.settings)
            await dev.host.started.wait()
            suffix = secrets.token_hex(3)
            for role in ("admin", "editor"):
                await create_account(
                    resources.engine,
                    email=f"{role}{suffix}@example.com",
                    username=f"{role}{suffix}",
                    role=role,
                    password=PASSWORD,
                )
            dev.admin_token = await dev.login(f"admin{suffix}")
            dev.editor_token = await dev.login(f"editor{suffix}")
            try:
                yield dev
            finally:
                await dev.host.supervisor.stop_all()
    await forget(resources, *names)


async def until(check: Any, seconds: float = 5.0) -> Any:
    """Poll `check()` until it returns something truthy (the gateway swaps asynchronously)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.05)


async def last_audit_id(resources: Resources) -> int:
    async with resources.engine.connect() as conn:
        found = await conn.execute(text("SELECT coalesce(max(id), 0) FROM audit.audit_log"))
        return int(found.scalar_one())


async def audit_actions(resources: Resources, name: str, since: int = 0) -> list[str]:
    """The plugin's audit actions in order, after row `since` (earlier suites of the run may
    have installed a plugin of the same name)."""
    async with resources.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT action FROM audit.audit_log WHERE resource_type = 'plugin'"
                " AND resource_id = :name AND id > :since ORDER BY id"
            ),
            {"name": name, "since": since},
        )
        return [row[0] for row in rows]

"""The contact plugin for a whole test session: packed, verified, installed once into the run's
database (its name is fixed, so no per-test installs), served by one real plugin process that
is always stopped, and uninstalled at the end."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.config import Settings
from core.resources import Resources
from core.security import internal_token
from core.security.principal import Principal, RequestContext
from plugins.contact.contact import store
from plugins.contact.contact.submission import Submission
from subgraphs.plugins.package import PackedPlugin, VerifiedPlugin, pack_plugin, verify_archive
from subgraphs.plugins.package.keys import public_key_hex
from subgraphs.plugins.runtime import PluginProcess
from tests.plugins import served as served_plugins

PLUGIN_DIR = Path(__file__).resolve().parents[3] / "plugins" / "contact"
NAME = "contact"
RATE_LIMIT = 3
NOTIFICATION_ADDRESS = "team@example.com"
SUCCESS_MESSAGE = "Thanks, we read every message."
SETTINGS = {
    "rate_limit_per_hour": RATE_LIMIT,
    "notification_address": NOTIFICATION_ADDRESS,
    "success_message": SUCCESS_MESSAGE,
}


@pytest.fixture(scope="session")
def publisher_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def packed(publisher_key: Ed25519PrivateKey) -> PackedPlugin:
    return pack_plugin(PLUGIN_DIR, publisher_key)


@pytest.fixture(scope="session")
def verified(packed: PackedPlugin, publisher_key: Ed25519PrivateKey) -> VerifiedPlugin:
    return verify_archive(packed.archive, [public_key_hex(publisher_key)])


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def installed(
    resources: Resources, database_url: str, settings: Settings, verified: VerifiedPlugin
) -> AsyncIterator[str]:
    """The verified package installed; yields the plugin role's database URL."""
    assert settings.internal_token_secret is not None
    async with served_plugins.installed(
        resources, database_url, settings.internal_token_secret, verified
    ) as login:
        yield login


@pytest.fixture(scope="session")
def runtime_dir() -> Iterator[Path]:
    with served_plugins.private_dir("althaus-contact-") as path:
        yield path


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def contact(
    installed: str, settings: Settings, runtime_dir: Path
) -> AsyncIterator[ContactPlugin]:
    """The plugin served by its own sandboxed process (rate limit 3 an hour), stopped at the end."""
    secret = settings.internal_token_secret
    assert secret is not None
    async with served_plugins.served(
        NAME, PLUGIN_DIR, runtime_dir, secret=secret, database_url=installed, settings=SETTINGS
    ) as process:
        yield ContactPlugin(process, secret, installed)


class ContactPlugin(served_plugins.PluginClient):
    """Reaches the plugin the way the gateway does: over its Unix socket, with a token minted
    from the platform secret for audience `plugin_contact` (GraphQL at `/graphql`, the plugin's
    HTTP routes under `/http`)."""

    def __init__(self, process: PluginProcess, secret: str, database_url: str) -> None:
        super().__init__(process, secret)
        self.database_url = database_url

    async def http(
        self,
        method: str,
        path: str,
        *,
        principal: Principal | None = None,
        context: RequestContext | None = None,
        signed: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        """Call one of the plugin's HTTP routes (`/http<path>` in its process)."""
        headers = dict(kwargs.pop("headers", {}))
        if signed:
            headers[internal_token.HEADER] = self.token(principal, context)
        transport = httpx.AsyncHTTPTransport(uds=str(self.process.spec.socket))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://plugin", timeout=20
        ) as client:
            return await client.request(method, f"/http{path}", headers=headers, **kwargs)

    async def submit(
        self, fields: Mapping[str, Any], *, ip: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """POST the fields as JSON to `/messages`, from `ip` (a fresh address by default)."""
        context = RequestContext(
            request_id=str(uuid.uuid4()), ip=ip or fresh_ip(), user_agent="contact-tests/1.0"
        )
        return await self.http("POST", "/messages", context=context, json=dict(fields), **kwargs)

    async def connect(self) -> asyncpg.Connection:
        """A connection as the plugin's own role (search_path its schema)."""
        url = self.database_url.replace("postgresql+asyncpg://", "postgresql://")
        return await asyncpg.connect(url, server_settings={"search_path": f"plugin_{NAME}"})

    async def row(self, message_id: str | int) -> dict[str, Any] | None:
        connection = await self.connect()
        try:
            record = await connection.fetchrow(
                "SELECT * FROM messages WHERE id = $1", int(message_id)
            )
        finally:
            await connection.close()
        return None if record is None else dict(record)

    async def seed(self, **fields: Any) -> str:
        """Store a message straight in the plugin's table (as the form would); its id."""
        submission = Submission(
            name=fields.get("name", "Ada"),
            email=fields.get("email", "ada@example.com"),
            subject=fields.get("subject", "Hello"),
            message=fields.get("message", f"Message {secrets.token_hex(4)}"),
        )
        sender = store.Sender(ip=fresh_ip(), user_agent="seed", user_id=None)
        connection = await self.connect()
        try:
            row = await store.insert(connection, submission, sender)
        finally:
            await connection.close()
        return str(row.id)


def fresh_ip() -> str:
    """A documentation-range IPv6 address no other test uses, so rate limits never overlap."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def user(role: str) -> Principal:
    """A signed-in user with a fresh id."""
    sub = str(uuid.uuid4())
    return Principal.user(sub, role, f"{sub[:8]}@example.com")


def codes(result: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code", "") for error in result.get("errors", [])]


def valid_fields(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "subject": "A question",
        "message": "How do I reach the team?",
        **changes,
    }

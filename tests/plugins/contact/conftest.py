"""The contact plugin for a whole test session: packed, verified, installed once into the run's
database (its name is fixed, so no per-test installs), served by one real plugin process that
is always stopped, and uninstalled at the end."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.config import Settings
from core.resources import Resources
from core.security import internal_token
from core.security.principal import Principal, RequestContext
from plugins.contact.contact import store
from plugins.contact.contact.submission import Submission
from subgraphs.plugins.engine import Plugin, PluginNotInstalled, install, role_url, uninstall
from subgraphs.plugins.package import PackedPlugin, VerifiedPlugin, pack_plugin, verify_archive
from subgraphs.plugins.package.keys import public_key_hex
from subgraphs.plugins.runtime import PluginProcess, ProcessSpec
from supergraph.transport.http import HttpTransport

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
    """Install the verified package; the role `plugin_contact` is server-wide, so what an
    earlier crashed run left is uninstalled first. Yields the plugin role's database URL."""
    secret = settings.internal_token_secret
    assert secret is not None
    try:
        await uninstall(resources.engine, NAME)
    except PluginNotInstalled:
        pass
    await install(resources.engine, database_url, Plugin.from_verified(verified), secret=secret)
    try:
        yield role_url(database_url, NAME, secret)
    finally:
        await uninstall(resources.engine, NAME)


@pytest.fixture(scope="session")
def runtime_dir() -> Iterator[Path]:
    """A private, short path (a Unix socket path is limited to 108 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="althaus-contact-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def contact(
    installed: str, settings: Settings, runtime_dir: Path
) -> AsyncIterator[ContactPlugin]:
    """The plugin served by its own sandboxed process (rate limit 3 an hour), stopped at the end."""
    secret = settings.internal_token_secret
    assert secret is not None
    spec = ProcessSpec.for_plugin(
        NAME,
        PLUGIN_DIR,
        runtime_dir,
        platform_secret=secret,
        database_url=installed,
        settings=SETTINGS,
    )
    process = PluginProcess(spec)
    try:
        await process.start()
        await process.wait_ready(30)
        yield ContactPlugin(process, secret, installed)
    finally:
        await process.stop(grace=2)


class ContactPlugin:
    """Reaches the plugin the way the gateway does: over its Unix socket, with a token minted
    from the platform secret for audience `plugin_contact` (GraphQL at `/graphql`, the plugin's
    HTTP routes under `/http`)."""

    def __init__(self, process: PluginProcess, secret: str, database_url: str) -> None:
        self.process = process
        self.secret = secret
        self.database_url = database_url

    def token(self, principal: Principal | None, context: RequestContext | None = None) -> str:
        return internal_token.mint(
            principal or Principal.guest(), self.process.spec.audience, self.secret, context
        )

    async def ask(
        self, document: str, principal: Principal | None = None, **variables: Any
    ) -> dict[str, Any]:
        spec = self.process.spec
        transport = HttpTransport(spec.audience, spec.url, timeout=20)
        try:
            raw = await transport.send(
                orjson.dumps({"query": document, "variables": variables}),
                {"content-type": "application/json", internal_token.HEADER: self.token(principal)},
            )
        finally:
            await transport.close()
        result: dict[str, Any] = orjson.loads(raw)
        return result

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

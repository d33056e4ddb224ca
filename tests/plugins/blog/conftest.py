"""The blog plugin for a whole test session: packed, verified, installed once into the run's
database (its name is fixed, so no per-test installs), served by one real plugin process that
is always stopped, and uninstalled at the end."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.config import Settings
from core.resources import Resources
from core.security import internal_token
from core.security.principal import Principal
from subgraphs.plugins.engine import Plugin, PluginNotInstalled, install, role_url, uninstall
from subgraphs.plugins.package import PackedPlugin, VerifiedPlugin, pack_plugin, verify_archive
from subgraphs.plugins.package.keys import public_key_hex
from subgraphs.plugins.runtime import PluginProcess, ProcessSpec
from supergraph.transport.http import HttpTransport

PLUGIN_DIR = Path(__file__).resolve().parents[3] / "plugins" / "blog"
NAME = "blog"


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
    """Install the verified package; the role `plugin_blog` is server-wide, so what an earlier
    crashed run left is uninstalled first. Yields the plugin role's database URL."""
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
    path = Path(tempfile.mkdtemp(prefix="althaus-blog-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def blog(installed: str, settings: Settings, runtime_dir: Path) -> AsyncIterator[Blog]:
    """The blog served by its own sandboxed process, stopped at the end."""
    secret = settings.internal_token_secret
    assert secret is not None
    spec = ProcessSpec.for_plugin(
        NAME,
        PLUGIN_DIR,
        runtime_dir,
        platform_secret=secret,
        database_url=installed,
        settings={"per_page": 10},
    )
    process = PluginProcess(spec)
    try:
        await process.start()
        await process.wait_ready(30)
        yield Blog(process, secret)
    finally:
        await process.stop(grace=2)


class Blog:
    """Queries the plugin the way the gateway does: HttpTransport over its Unix socket, with a
    token minted from the platform secret for audience `plugin_blog`."""

    def __init__(self, process: PluginProcess, secret: str) -> None:
        self.process = process
        self.secret = secret

    async def ask(
        self, document: str, principal: Principal | None = None, **variables: Any
    ) -> dict[str, Any]:
        spec = self.process.spec
        transport = HttpTransport(spec.audience, spec.url, timeout=20)
        token = internal_token.mint(principal or Principal.guest(), spec.audience, self.secret)
        try:
            raw = await transport.send(
                orjson.dumps({"query": document, "variables": variables}),
                {"content-type": "application/json", internal_token.HEADER: token},
            )
        finally:
            await transport.close()
        result: dict[str, Any] = orjson.loads(raw)
        return result


def user(role: str) -> Principal:
    """A signed-in user with a fresh id."""
    sub = str(uuid.uuid4())
    return Principal.user(sub, role, f"{sub[:8]}@example.com")


def codes(result: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code", "") for error in result.get("errors", [])]

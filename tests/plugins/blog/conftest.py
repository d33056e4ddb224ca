"""The blog plugin for a whole test session: packed, verified, installed once into the run's
database (its name is fixed, so no per-test installs), served by one real plugin process that
is always stopped, and uninstalled at the end."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.config import Settings
from core.resources import Resources
from core.security.principal import Principal
from subgraphs.plugins.package import PackedPlugin, VerifiedPlugin, pack_plugin, verify_archive
from subgraphs.plugins.package.keys import public_key_hex
from tests.plugins import served as served_plugins

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
    """The verified package installed; yields the plugin role's database URL."""
    assert settings.internal_token_secret is not None
    async with served_plugins.installed(
        resources, database_url, settings.internal_token_secret, verified
    ) as login:
        yield login


@pytest.fixture(scope="session")
def runtime_dir() -> Iterator[Path]:
    with served_plugins.private_dir("althaus-blog-") as path:
        yield path


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def blog(installed: str, settings: Settings, runtime_dir: Path) -> AsyncIterator[Blog]:
    """The blog served by its own sandboxed process, stopped at the end."""
    secret = settings.internal_token_secret
    assert secret is not None
    async with served_plugins.served(
        NAME,
        PLUGIN_DIR,
        runtime_dir,
        secret=secret,
        database_url=installed,
        settings={"per_page": 10},
    ) as process:
        yield Blog(process, secret)


class Blog(served_plugins.PluginClient):
    """The blog's process, queried as the gateway does."""


def user(role: str) -> Principal:
    """A signed-in user with a fresh id."""
    sub = str(uuid.uuid4())
    return Principal.user(sub, role, f"{sub[:8]}@example.com")


def codes(result: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code", "") for error in result.get("errors", [])]

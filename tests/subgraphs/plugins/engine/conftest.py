"""Fixtures for plugin engine tests: per-run plugin names, installing and cleaning up plugins.

Roles belong to the whole Postgres server, not to the per-run database, so every plugin name
carries this run's random tag and every test uninstalls what it installed.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from core import db
from core.config import Settings
from core.resources import Resources
from subgraphs.plugins.engine import (
    InstallResult,
    Plugin,
    PluginNotInstalled,
    install,
    role_url,
    uninstall,
)

RUN = secrets.token_hex(3)
NOTES_MIGRATION = (
    "0001_init.sql",
    "-- up\n"
    "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);\n"
    "INSERT INTO notes (body) VALUES ('first');\n"
    "-- down\n"
    "DROP TABLE notes;\n",
)

Install = Callable[..., Awaitable[InstallResult]]


def plugin_name(label: str) -> str:
    """A plugin name unique to this test run."""
    return f"t{RUN}_{label}"


def make_plugin(
    label: str,
    migrations: list[tuple[str, str]] | None = None,
    manifest: Mapping[str, Any] | None = None,
) -> Plugin:
    return Plugin.from_files(
        plugin_name(label),
        "1.0.0",
        dict(manifest) if manifest is not None else {"display_name": f"Test {label}"},
        migrations if migrations is not None else [NOTES_MIGRATION],
        checksum="ab" * 32,
        signature="cd" * 64,
    )


@pytest.fixture(scope="session")
def secret(settings: Settings) -> str:
    assert settings.internal_token_secret is not None
    return settings.internal_token_secret


async def remove_if_present(resources: Resources, name: str) -> None:
    try:
        await uninstall(resources.engine, name)
    except PluginNotInstalled:
        pass


@pytest_asyncio.fixture(loop_scope="session")
async def installed(resources: Resources, database_url: str, secret: str) -> AsyncIterator[Install]:
    """`await installed(plugin, **kwargs)` installs; whatever is left is removed afterwards."""
    names: list[str] = []

    async def run(plugin: Plugin, **kwargs: Any) -> InstallResult:
        names.append(plugin.name)
        return await install(resources.engine, database_url, plugin, secret=secret, **kwargs)

    yield run
    for name in names:
        await remove_if_present(resources, name)


async def connect_as(database_url: str, name: str, secret: str) -> asyncpg.Connection:
    """A session logged in as the plugin's own role, as its process would have."""
    return await asyncpg.connect(db.plain_url(role_url(database_url, name, secret)))

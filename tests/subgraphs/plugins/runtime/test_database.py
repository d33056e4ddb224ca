"""A plugin's resolvers reach its own schema as its own role, and nothing else."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from core.config import Settings
from core.resources import Resources
from subgraphs.plugins.engine import Plugin, PluginNotInstalled, install, role_url, uninstall
from subgraphs.plugins.runtime import ProcessSpec

from .conftest import Start, query

RUN = secrets.token_hex(3)
MIGRATION = (
    "0001_init.sql",
    "-- up\nCREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);\n"
    "INSERT INTO notes (body) VALUES ('first');\n-- down\nDROP TABLE notes;\n",
)
PACKAGE = '''\
"""A plugin reading its own table, and trying the platform's."""

from __future__ import annotations

import asyncpg
import strawberry
from strawberry.types import Info

from plugins.sdk.request import PluginRequest


async def _fetch(info: Info[PluginRequest, None], sql: str) -> str:
    try:
        async with info.context.database().acquire() as connection:
            return str(await connection.fetchval(sql))
    except asyncpg.PostgresError as exc:
        return f"refused:{exc.sqlstate}"


@strawberry.type
class Query:
    @strawberry.field
    async def first_note(self, info: Info[PluginRequest, None]) -> str:
        return await _fetch(info, "SELECT body FROM notes ORDER BY id LIMIT 1")

    @strawberry.field
    async def whoami(self, info: Info[PluginRequest, None]) -> str:
        return await _fetch(info, "SELECT current_user || ' ' || current_schema()")

    @strawberry.field
    async def platform_users(self, info: Info[PluginRequest, None]) -> str:
        return await _fetch(info, "SELECT count(*) FROM public.users")
'''


@pytest.fixture(scope="module")
def name() -> str:
    return f"t{RUN}_rtdb"


@pytest_asyncio.fixture(loop_scope="session")
async def installed(
    resources: Resources, database_url: str, settings: Settings, name: str
) -> AsyncIterator[str]:
    secret = settings.internal_token_secret
    assert secret is not None
    plugin = Plugin.from_files(
        name,
        "1.0.0",
        {"display_name": "Runtime db"},
        [MIGRATION],
        checksum="ab" * 32,
        signature="cd" * 64,
    )
    await install(resources.engine, database_url, plugin, secret=secret)
    try:
        yield secret
    finally:
        try:
            await uninstall(resources.engine, name)
        except PluginNotInstalled:
            pass


async def test_resolvers_query_the_plugins_schema_as_its_role_and_not_the_platforms(
    installed: str, database_url: str, name: str, tmp_path: Path, start_plugin: Start, runtime_dirs
) -> None:  # type: ignore[no-untyped-def]
    plugin_dir = tmp_path / name
    (plugin_dir / name).mkdir(parents=True)
    (plugin_dir / name / "__init__.py").write_text(PACKAGE)
    spec = ProcessSpec.for_plugin(
        name,
        plugin_dir,
        runtime_dirs(),
        platform_secret=installed,
        database_url=role_url(database_url, name, installed),
    )
    process = await start_plugin(spec)
    result = await query(process, "{ firstNote whoami platformUsers }", installed)
    assert result == {
        "data": {
            "firstNote": "first",
            "whoami": f"plugin_{name} plugin_{name}",
            "platformUsers": "refused:42501",
        }
    }

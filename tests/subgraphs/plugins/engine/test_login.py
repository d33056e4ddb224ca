"""Turning a plugin's login off (deactivate, data kept) and on again (activate)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text

from core.resources import Resources
from subgraphs.plugins.engine import PluginNotInstalled, restore_role, set_login
from tests.subgraphs.plugins.engine.conftest import Install, connect_as, make_plugin, plugin_name


async def test_disabling_login_ends_sessions_and_refuses_new_ones(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("logoff")
    await installed(plugin)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        assert await set_login(resources.engine, plugin.name, False) == 1
    finally:
        session.terminate()
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
        await connect_as(database_url, plugin.name, secret)


async def test_enabling_login_again_finds_the_data_kept(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("logon")
    await installed(plugin)
    await set_login(resources.engine, plugin.name, False)
    await set_login(resources.engine, plugin.name, True)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        assert await session.fetchval("SELECT body FROM notes") == "first"
    finally:
        await session.close()


async def test_set_login_of_an_unknown_plugin_is_refused(resources: Resources) -> None:
    with pytest.raises(PluginNotInstalled):
        await set_login(resources.engine, plugin_name("nosuchplugin"), True)


async def test_restore_role_undoes_defaults_the_plugin_set_on_its_own_role(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("selfset")
    await installed(plugin)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute("ALTER ROLE CURRENT_USER SET statement_timeout = 0")
        await session.execute("ALTER ROLE CURRENT_USER SET search_path = public")
        database = await session.fetchval("SELECT current_database()")
        await session.execute(
            f'ALTER ROLE CURRENT_USER IN DATABASE "{database}" SET statement_timeout = 0'
        )
    finally:
        await session.close()
    assert "statement_timeout=0" in await _role_settings(resources, plugin.name)
    await restore_role(resources.engine, plugin.name, plugin.limits, secret=secret)
    assert sorted(await _role_settings(resources, plugin.name)) == sorted(
        [
            "statement_timeout=5000",
            "idle_in_transaction_session_timeout=5000",
            "temp_file_limit=65536",
            f"search_path=plugin_{plugin.name}",
        ]
    )
    session = await connect_as(database_url, plugin.name, secret)
    try:
        assert await session.fetchval("SHOW statement_timeout") == "5s"
    finally:
        await session.close()


async def _role_settings(resources: Resources, name: str) -> list[str]:
    async with resources.engine.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r"
                " ON r.oid = s.setrole WHERE r.rolname = :r"
            ),
            {"r": f"plugin_{name}"},
        )
        return [setting for row in found.all() for setting in row[0]]

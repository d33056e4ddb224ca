"""Turning a plugin's login off (deactivate, data kept) and on again (activate)."""

from __future__ import annotations

import asyncpg
import pytest

from core.resources import Resources
from subgraphs.plugins.engine import PluginNotInstalled, set_login
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

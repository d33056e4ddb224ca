"""Uninstalling a plugin: everything dropped, or the data kept behind a NOLOGIN role."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text

from core.resources import Resources
from subgraphs.plugins.engine import PluginNotInstalled, uninstall
from tests.subgraphs.plugins.engine.conftest import Install, connect_as, make_plugin, plugin_name


async def _state(resources: Resources, name: str) -> dict[str, object]:
    role = f"plugin_{name}"
    async with resources.engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT (SELECT rolcanlogin FROM pg_roles WHERE rolname = :r),"
                    " (SELECT count(*) FROM pg_tables WHERE schemaname = :r),"
                    " (SELECT count(*) FROM pg_namespace WHERE nspname = :r),"
                    " (SELECT count(*) FROM system.plugin_migrations WHERE plugin_name = :n),"
                    " (SELECT count(*) FROM system.plugin_registry WHERE name = :n)"
                ),
                {"r": role, "n": name},
            )
        ).one()
    return dict(zip(["login", "tables", "schema", "migrations", "registry"], row, strict=True))


async def test_uninstall_drops_schema_role_and_rows_and_writes_an_audit_row(
    resources: Resources, installed: Install
) -> None:
    plugin = make_plugin("uninstall")
    await installed(plugin)
    result = await uninstall(resources.engine, plugin.name)
    assert await _state(resources, plugin.name) == {
        "login": None,
        "tables": 0,
        "schema": 0,
        "migrations": 0,
        "registry": 0,
    }
    async with resources.engine.connect() as connection:
        audit = (
            await connection.execute(
                text("SELECT action, resource_id, details FROM audit.audit_log WHERE id = :id"),
                {"id": result.audit_id},
            )
        ).one()
    assert (audit.action, audit.resource_id) == ("plugin.uninstall", plugin.name)
    assert audit.details["keep_data"] is False


async def test_uninstall_keeping_data_keeps_schema_and_tables_behind_a_nologin_role(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("keepdata")
    await installed(plugin)
    await uninstall(resources.engine, plugin.name, keep_data=True)
    assert await _state(resources, plugin.name) == {
        "login": False,
        "tables": 1,
        "schema": 1,
        "migrations": 1,
        "registry": 0,
    }
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError, match="not permitted"):
        await connect_as(database_url, plugin.name, secret)


async def test_uninstall_after_keeping_data_removes_the_kept_data(
    resources: Resources, installed: Install
) -> None:
    plugin = make_plugin("keptthen")
    await installed(plugin)
    await uninstall(resources.engine, plugin.name, keep_data=True)
    await uninstall(resources.engine, plugin.name)
    assert await _state(resources, plugin.name) == {
        "login": None,
        "tables": 0,
        "schema": 0,
        "migrations": 0,
        "registry": 0,
    }


async def test_uninstall_ends_the_plugins_open_sessions(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("opensession")
    await installed(plugin)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute("BEGIN; LOCK TABLE notes")
        result = await uninstall(resources.engine, plugin.name)
        assert result.terminated_sessions == 1
    finally:
        session.terminate()
    assert (await _state(resources, plugin.name))["schema"] == 0


async def test_uninstalling_an_unknown_plugin_is_refused(resources: Resources) -> None:
    with pytest.raises(PluginNotInstalled) as refused:
        await uninstall(resources.engine, plugin_name("neverinstalled"))
    assert refused.value.code == "PLUGIN_NOT_INSTALLED"

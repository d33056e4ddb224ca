"""Uninstalling a plugin: its sessions ended, its schema and role dropped (or kept, NOLOGIN),
its migration and registry rows deleted, one audit row; all in one admin transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.plugins.engine import isolation
from subgraphs.plugins.engine.audit import Actor, record
from subgraphs.plugins.engine.errors import (
    PluginEngineError,
    PluginNotInstalled,
    PluginUninstallFailed,
)
from subgraphs.plugins.engine.identifiers import check_name
from subgraphs.plugins.engine.postgres_errors import describe


@dataclass(frozen=True)
class UninstallResult:
    name: str
    kept_data: bool
    terminated_sessions: int
    audit_id: int


async def uninstall(
    admin_engine: AsyncEngine,
    name: str,
    *,
    keep_data: bool = False,
    actor: Actor | None = None,
) -> UninstallResult:
    """Remove plugin `name`. With `keep_data` its schema, tables and migration rows stay and its
    role stays NOLOGIN. Also cleans up what a keep_data uninstall left (no registry row)."""
    check_name(name)
    try:
        return await _uninstall(admin_engine, name, keep_data, actor)
    except PluginEngineError:
        raise
    except (SQLAlchemyError, OSError) as exc:
        raise PluginUninstallFailed(name, describe(exc)) from exc


async def _uninstall(
    admin_engine: AsyncEngine, name: str, keep_data: bool, actor: Actor | None
) -> UninstallResult:
    async with admin_engine.connect() as connection:
        has_role = await isolation.role_exists(connection, name)
        has_schema = await isolation.schema_exists(connection, name)
        row = await connection.execute(
            text("SELECT version FROM system.plugin_registry WHERE name = :name"),
            {"name": name},
        )
        registered = row.first()
    if not (has_role or has_schema or registered is not None):
        raise PluginNotInstalled(name)
    terminated = 0
    if has_role:
        # NOLOGIN first so no session comes back between terminating and dropping.
        async with admin_engine.begin() as connection:
            await isolation.set_role_login(connection, name, False)
        async with admin_engine.connect() as connection:
            terminated = await isolation.terminate_backends(connection, name)
    async with admin_engine.begin() as connection:
        await isolation.lock_catalog(connection)
        if not keep_data:
            await isolation.drop_role_and_schema(connection, name)
            await connection.execute(
                text("DELETE FROM system.plugin_migrations WHERE plugin_name = :name"),
                {"name": name},
            )
        await connection.execute(
            text("DELETE FROM system.plugin_registry WHERE name = :name"), {"name": name}
        )
        audit = await record(
            connection,
            "plugin.uninstall",
            name,
            actor,
            {
                "keep_data": keep_data,
                "version": registered[0] if registered is not None else None,
                "terminated_sessions": terminated,
            },
        )
    return UninstallResult(
        name=name, kept_data=keep_data, terminated_sessions=terminated, audit_id=audit.id
    )

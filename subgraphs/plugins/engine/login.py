"""Turning a plugin's database login on (activate) or off (deactivate: data stays)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.plugins.engine import isolation
from subgraphs.plugins.engine.credentials import role_password
from subgraphs.plugins.engine.errors import PluginNotInstalled
from subgraphs.plugins.engine.identifiers import check_name
from subgraphs.plugins.engine.plugin import Limits
from subgraphs.plugins.engine.postgres_errors import database_errors


async def set_login(admin_engine: AsyncEngine, name: str, enabled: bool) -> int:
    """ALTER ROLE plugin_<name> LOGIN or NOLOGIN; disabling also ends its sessions.

    Returns how many sessions were ended. Writes no audit row: the caller's activate or
    deactivate mutation writes the one row for the whole change.
    """
    async with database_errors(name, "changing the login"):
        return await _set_login(admin_engine, name, enabled)


async def _set_login(admin_engine: AsyncEngine, name: str, enabled: bool) -> int:
    check_name(name)
    async with admin_engine.begin() as connection:
        if not await isolation.role_exists(connection, name):
            raise PluginNotInstalled(name)
        await isolation.set_role_login(connection, name, enabled)
    if enabled:
        return 0
    async with admin_engine.connect() as connection:
        return await isolation.terminate_backends(connection, name)


async def restore_role(
    admin_engine: AsyncEngine, name: str, limits: Limits, *, secret: str | bytes
) -> None:
    """Put back what a plugin may change on its own role: its password (which the platform
    derives, so a changed one would lock the platform out) and its session defaults (limits
    from the manifest). Run it before starting the plugin's process."""
    async with database_errors(name, "restoring the role"):
        await _restore_role(admin_engine, name, limits, secret=secret)


async def _restore_role(
    admin_engine: AsyncEngine, name: str, limits: Limits, *, secret: str | bytes
) -> None:
    check_name(name)
    async with admin_engine.begin() as connection:
        await isolation.lock_catalog(connection)
        if not await isolation.role_exists(connection, name):
            raise PluginNotInstalled(name)
        await isolation.set_password(connection, name, role_password(secret, name))
        await isolation.apply_settings(connection, name, limits)

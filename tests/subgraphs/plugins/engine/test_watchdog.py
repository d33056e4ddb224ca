"""The statement watchdog ends plugin sessions the role's own timeouts no longer hold."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import text

from core.resources import Resources
from subgraphs.plugins.engine import enforce_limits
from tests.subgraphs.plugins.engine.conftest import Install, connect_as, make_plugin

_ENDED = (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.AdminShutdownError)


async def test_long_query_after_disabling_statement_timeout_is_terminated(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("longquery")
    await installed(plugin)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute("SET statement_timeout = 0")
        sleeping = asyncio.create_task(session.execute("SELECT pg_sleep(10)"))
        await asyncio.sleep(1.0)
        assert await enforce_limits(resources.engine, plugin.name, 500) == 1
        with pytest.raises(_ENDED):
            await asyncio.wait_for(sleeping, 5)
    finally:
        session.terminate()


async def test_session_idle_in_a_transaction_past_the_limit_is_terminated(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("idletx")
    await installed(plugin)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute("SET idle_in_transaction_session_timeout = 0")
        await session.execute("BEGIN; SELECT count(*) FROM notes")
        await asyncio.sleep(0.8)
        pid = session.get_server_pid()
        assert await enforce_limits(resources.engine, plugin.name, 500) == 1
        assert not await _backend_alive(resources, pid)
    finally:
        session.terminate()


async def test_sessions_within_the_limit_are_left_alone(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("withinlimit")
    await installed(plugin)
    idle = await connect_as(database_url, plugin.name, secret)
    busy = await connect_as(database_url, plugin.name, secret)
    try:
        await idle.execute("BEGIN")
        await idle.fetchval("SELECT 1")
        running = asyncio.create_task(busy.execute("SELECT pg_sleep(1)"))
        await asyncio.sleep(0.3)
        assert await enforce_limits(resources.engine, plugin.name, 60_000) == 0
        await running
        assert await idle.fetchval("SELECT 2") == 2
    finally:
        idle.terminate()
        busy.terminate()


async def _backend_alive(resources: Resources, pid: int) -> bool:
    """Whether the server still has the session (termination takes a moment to land)."""
    for _ in range(20):
        async with resources.engine.connect() as connection:
            found = await connection.execute(
                text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            if found.first() is None:
                return False
        await asyncio.sleep(0.1)
    return True

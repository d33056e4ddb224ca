"""Alembic environment for the core schemas (public, system, audit, analytics).

`core.migrate.migrate()` passes an open connection in `config.attributes["connection"]`; the
`alembic` command line (alembic.ini at the repository root) connects to DATABASE_URL itself.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

VERSION_TABLE_SCHEMA = "system"

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=None,
        version_table_schema=VERSION_TABLE_SCHEMA,
        on_version_apply=config.attributes.get("on_version_apply"),
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_url() -> None:
    from core.config import Settings
    from core.db import asyncpg_url
    from core.embedded import resolve

    url = config.get_main_option("sqlalchemy.url") or resolve(Settings.from_env()).database_url
    assert url is not None
    engine = create_async_engine(asyncpg_url(url), poolclass=pool.NullPool)
    async with engine.begin() as connection:
        await connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {VERSION_TABLE_SCHEMA}")
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) mode is not supported; run `althaus migrate`")

_connection = config.attributes.get("connection")
if _connection is not None:
    _run(_connection)
else:
    asyncio.run(_run_from_url())

"""Apply the core schema migrations (Alembic, `schema/migrations/`) to a database; idempotent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import asyncpg_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "schema" / "migrations"
VERSION_TABLE_SCHEMA = "system"
# pg_advisory_xact_lock key: concurrent starters (several services at once) migrate one by one.
MIGRATION_LOCK_KEY = 0x616C7468_6D69  # "althmi"

Progress = Callable[[str, str], None]
"""Called with (revision, description) as each migration is applied."""


class MigrationError(Exception):
    """A migration failed; nothing of the failed run was committed."""

    code = "MIGRATION_FAILED"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def migrate(database_url: str, progress: Progress | None = None) -> list[str]:
    """Upgrade the database to head in one transaction; return the revisions applied (in order).

    A database already at head returns `[]` and changes nothing.
    """
    engine = create_async_engine(asyncpg_url(database_url), poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            await connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {VERSION_TABLE_SCHEMA}"))
            applied: list[str] = await connection.run_sync(_upgrade, progress)
    except MigrationError:
        raise
    except Exception as exc:
        raise MigrationError(f"migration failed, nothing was applied: {exc}") from exc
    finally:
        await engine.dispose()
    return applied


async def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None before the first migration."""
    engine = create_async_engine(asyncpg_url(database_url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
    finally:
        await engine.dispose()


def _current(connection: Connection) -> str | None:
    context = MigrationContext.configure(
        connection, opts={"version_table_schema": VERSION_TABLE_SCHEMA}
    )
    return context.get_current_revision()


def _upgrade(connection: Connection, progress: Progress | None) -> list[str]:
    applied: list[str] = []

    def on_apply(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
        revision = str(step.up_revision_id)
        applied.append(revision)
        if progress is not None:
            progress(revision, str(step.up_revision.doc or "").strip())

    config = alembic_config()
    config.attributes["connection"] = connection
    config.attributes["on_version_apply"] = on_apply
    command.upgrade(config, "head")
    return applied

"""`althaus migrate`: apply the core database migrations; safe to run again."""

from __future__ import annotations

import asyncio
import sys
import time

import click

from althaus.platform import display_url
from core.config import Settings
from core.db import asyncpg_url
from core.embedded import resolve
from core.migrate import MigrationError, current_revision, head_revision, migrate


@click.command()
@click.option(
    "--database-url",
    envvar="DATABASE_URL",
    default=None,
    help="PostgreSQL URL (default: DATABASE_URL, else the embedded server in .data/postgres).",
)
def command(database_url: str | None) -> None:
    """Apply database migrations (idempotent).

    Brings the core schemas (public, system, audit, analytics) to the newest revision in one
    transaction. A database that is already up to date is left unchanged.

    Exit codes: 0 up to date, 1 a migration failed (nothing applied), 2 configuration error.
    """
    settings = Settings.from_env()
    if database_url:
        asyncpg_url(database_url)  # a bad URL is a ConfigError naming DATABASE_URL
        settings = settings.with_(database_url=database_url)
    settings = resolve(settings, redis=False, keys=False)
    url = settings.database_url
    assert url is not None
    click.echo(f"Migrating {display_url(url)} to revision {head_revision()} ...", err=True)
    started = time.monotonic()

    def progress(revision: str, description: str) -> None:
        click.echo(f"  applied {revision}  {description}", err=True)

    try:
        applied = asyncio.run(migrate(url, progress))
        current = asyncio.run(current_revision(url))
    except MigrationError as exc:
        click.echo(f"althaus: {exc}", err=True)
        sys.exit(1)
    elapsed = time.monotonic() - started
    if applied:
        noun = "migration" if len(applied) == 1 else "migrations"
        click.echo(
            f"Applied {len(applied)} {noun} in {elapsed:.1f}s; database at revision {current}."
        )
    else:
        click.echo(f"Already up to date at revision {current}; nothing applied.")

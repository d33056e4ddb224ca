"""`althaus dev`: the whole platform in one process on port 4000, ready on a fresh machine."""

from __future__ import annotations

import asyncio
import secrets
import sys

import click
from sqlalchemy import text

from althaus.commands.user import AccountExistsError, NewAccount, create_account
from althaus.platform import (
    available_subgraphs,
    create_dev_app,
    display_url,
    exit_cleanly_on_sigterm,
    run_database_task,
)
from core.config import Settings
from core.db import create_engine
from core.embedded import resolve
from core.logging import configure_logging
from core.migrate import MigrationError, migrate
from core.request_logging import RequestLoggingMiddleware

FIRST_ADMIN_USERNAME = "admin"
FIRST_ADMIN_EMAIL = "admin@localhost"


@click.command()
@click.option("--host", default=None, help="Interface to bind (default: HOST, else 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default 4000).")
def command(host: str | None, port: int | None) -> None:
    """Run the whole platform in one process on port 4000.

    Starts embedded PostgreSQL and Redis when DATABASE_URL/REDIS_URL are unset (data in
    .data/), generates development secrets once, applies migrations, creates the first admin
    when there is none (its password is printed once, here, and never logged), then serves
    the gateway at /graphql (GraphiQL there from a browser) over every subgraph of this build,
    called in-process; each subgraph is also at /subgraphs/<name>/graphql.
    """
    import uvicorn

    settings = Settings.from_env()
    click.echo("Preparing the database and Redis ...", err=True)
    settings = resolve(settings)
    click.echo(f"  database {display_url(settings.database_url)}", err=True)
    click.echo(f"  redis    {display_url(settings.redis_url)}", err=True)
    assert settings.database_url is not None

    def progress(revision: str, description: str) -> None:
        click.echo(f"  applied migration {revision}  {description}", err=True)

    try:
        applied = asyncio.run(migrate(settings.database_url, progress))
    except MigrationError as exc:
        click.echo(f"althaus: {exc}", err=True)
        sys.exit(1)
    if not applied:
        click.echo("  database schema up to date", err=True)

    admin = run_database_task(ensure_first_admin(settings.database_url), settings.database_url)
    if admin is not None:
        account, password = admin
        click.echo("")
        click.echo("  First admin created (the password is shown only this once):")
        click.echo(f"    username: {account.username}")
        click.echo(f"    email:    {account.email}")
        click.echo(f"    password: {password}")
        click.echo("")

    configure_logging("althaus", settings.log_level)
    app = RequestLoggingMiddleware(create_dev_app(settings))
    bind_host = host or settings.host
    bind_port = port or settings.port
    subgraphs = ", ".join(available_subgraphs()) or "none yet"
    click.echo(f"Serving on http://{bind_host}:{bind_port} (subgraphs: {subgraphs})", err=True)
    exit_cleanly_on_sigterm()
    uvicorn.run(
        app,
        host=bind_host,
        port=bind_port,
        log_config=None,
        access_log=False,  # RequestLoggingMiddleware logs each request with its ids
        server_header=False,
    )


async def ensure_first_admin(database_url: str) -> tuple[NewAccount, str] | None:
    """Create `admin` with a random password when no admin exists; return it, else None."""
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            existing = await connection.execute(
                text("SELECT 1 FROM public.users WHERE role = 'admin' LIMIT 1")
            )
            if existing.first() is not None:
                return None
        password = secrets.token_urlsafe(18)
        try:
            account = await create_account(
                engine,
                email=FIRST_ADMIN_EMAIL,
                username=FIRST_ADMIN_USERNAME,
                role="admin",
                password=password,
                via="althaus dev",
                local_email=True,
            )
        except AccountExistsError:
            click.echo(
                "  no admin exists, and the username 'admin' is taken by another role: create"
                " one with `althaus user create --role admin`",
                err=True,
            )
            return None
        return account, password
    finally:
        await engine.dispose()

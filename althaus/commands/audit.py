"""`althaus audit`: inspect the audit log (verify its hash chain)."""

from __future__ import annotations

import sys

import click

from althaus.platform import run_database_task
from core.audit_chain import VerifyResult, verify_chain
from core.config import Settings
from core.db import create_engine
from core.embedded import resolve


@click.group()
def command() -> None:
    """Inspect the audit log."""


@command.command("verify")
def verify() -> None:
    """Check the audit log's hash chain from the first row to the last.

    Prints that the chain is intact with the number of rows, or the first broken row and why.
    Exit codes: 0 intact, 1 broken, 2 configuration error.
    """
    settings = resolve(Settings.from_env(), redis=False, keys=False)
    assert settings.database_url is not None
    click.echo("Verifying the audit chain ...", err=True)
    result = run_database_task(_verify(settings.database_url), settings.database_url)
    if result.intact:
        noun = "row" if result.rows == 1 else "rows"
        click.echo(f"Audit chain intact: {result.rows} {noun} verified.")
        return
    click.echo(
        f"Audit chain BROKEN at row id {result.first_broken_id}: {result.reason}"
        f" ({result.rows - 1} rows before it verified)."
    )
    sys.exit(1)


async def _verify(database_url: str) -> VerifyResult:
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            return await verify_chain(
                connection, lambda rows: click.echo(f"  {rows} rows verified ...", err=True)
            )
    finally:
        await engine.dispose()

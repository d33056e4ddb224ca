"""CLI test helpers: run `althaus` as a real subprocess against the run's servers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from core import db
from core.config import Settings
from core.migrate import migrate

ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., subprocess.CompletedProcess[str]]


def _run_althaus(
    args: list[str], *, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "althaus.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
    )


def _environment(settings: Settings, database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALTHAUS_", "SUBGRAPH_"))}
    assert settings.redis_url is not None
    env.update(
        ALTHAUS_ENV="test",
        ALTHAUS_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        REDIS_URL=settings.redis_url,
        REDIS_KEY_PREFIX=settings.redis_prefix,
        LOG_LEVEL="WARNING",
    )
    return env


@pytest_asyncio.fixture(loop_scope="session")
async def scratch_database_url(settings: Settings) -> AsyncIterator[str]:
    """A fresh migrated database of its own, for tests that change or break the audit chain."""
    assert settings.database_url is not None
    name = f"althaus_test_cli_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(db.plain_url(settings.database_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = db.with_database(settings.database_url, name)
    try:
        await migrate(url)
        yield url
    finally:
        admin = await asyncpg.connect(db.plain_url(settings.database_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
def althaus(settings: Settings, scratch_database_url: str, tmp_path: Path) -> Run:
    """Run `althaus ARGS` on the scratch database; returns the completed process."""
    env = _environment(settings, scratch_database_url, tmp_path)

    def run(*args: str, stdin: str | None = None, **overrides: str) -> Any:
        return _run_althaus(list(args), env={**env, **overrides}, stdin=stdin)

    run.env = env  # type: ignore[attr-defined]
    return run

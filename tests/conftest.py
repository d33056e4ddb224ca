"""Session fixtures every suite builds on: `settings`, `resources`, `database_url`, `redis_url`.

Servers: DATABASE_URL / REDIS_URL from the environment when set (CI), else embedded PostgreSQL
and Redis under `.data/test/`. Isolation per run: a fresh database `althaus_test_<random>`,
migrated to head once, dropped at the end; Redis keys and channels under the random prefix
`settings.redis_prefix` (`althaus:test_<random>:`, use `settings.redis_key(name)`), deleted at
the end. Secrets are generated per run and never written to disk.
"""

from __future__ import annotations

import os
import secrets as _random
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from core import db
from core import redis as core_redis
from core.config import Settings
from core.embedded import resolve
from core.migrate import migrate
from core.resources import Resources
from core.secrets import new_internal_token_secret, new_jwt_private_key

TEST_DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "test"


def _server_settings() -> Settings:
    return resolve(
        Settings(
            env="test",
            database_url=os.environ.get("DATABASE_URL") or None,
            redis_url=os.environ.get("REDIS_URL") or None,
            internal_token_secret=new_internal_token_secret(),
            jwt_private_key=new_jwt_private_key(),
            log_level="WARNING",
            data_dir=TEST_DATA_DIR,
        )
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def settings() -> AsyncIterator[Settings]:
    """Settings for this test run: its own migrated database and Redis prefix."""
    server = _server_settings()
    assert server.database_url is not None and server.redis_url is not None
    run = _random.token_hex(6)
    name = f"althaus_test_{run}"
    admin = await asyncpg.connect(db.plain_url(server.database_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    test = server.with_(
        database_url=db.with_database(server.database_url, name),
        redis_prefix=f"althaus:test_{run}:",
    )
    try:
        assert test.database_url is not None
        await migrate(test.database_url)
        yield test
    finally:
        await _drop_database(server.database_url, name)
        await _delete_redis_keys(server.redis_url, test.redis_prefix)


@pytest.fixture(scope="session")
def database_url(settings: Settings) -> str:
    assert settings.database_url is not None
    return settings.database_url


@pytest.fixture(scope="session")
def redis_url(settings: Settings) -> str:
    assert settings.redis_url is not None
    return settings.redis_url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def resources(settings: Settings) -> AsyncIterator[Resources]:
    """One shared engine, session factory and Redis client for the whole run."""
    opened = await Resources.open(settings)
    try:
        yield opened
    finally:
        await opened.close()


async def _drop_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(db.plain_url(server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _delete_redis_keys(url: str, prefix: str) -> None:
    client = core_redis.connect(url)
    try:
        batch: list[bytes] = []
        async for key in client.scan_iter(match=f"{prefix}*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                await client.delete(*batch)
                batch.clear()
        if batch:
            await client.delete(*batch)
    finally:
        await client.aclose()

"""The run's servers, database, Redis keys and data directory: made for it, removed after it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.activation.scenario import PLUGIN, ROOT
from core import db
from core import redis as core_redis
from core.config import Settings
from core.embedded import resolve
from core.secrets import new_internal_token_secret, new_jwt_private_key
from subgraphs.plugins.engine import role_name

EMBEDDED_DIR = ROOT / ".data" / "bench"
"""Where the embedded PostgreSQL and Redis live when DATABASE_URL / REDIS_URL are unset."""


@dataclass
class Cleanup:
    """What this run made that outlives its process unless removed."""

    database: str | None = None
    redis_prefix: str | None = None
    owns_role: bool = False
    """Set when this run installs the plugin, cleared once it is uninstalled: only in between
    is role plugin_blog ours to drop."""


def server_settings(configured: Settings) -> Settings:
    """The servers to use (from the environment, else embedded) and secrets for this run only."""
    return resolve(
        configured.with_(
            data_dir=EMBEDDED_DIR,
            internal_token_secret=new_internal_token_secret(),
            jwt_private_key=new_jwt_private_key(),
            log_level="WARNING",
        )
    )


def short_temp_dir() -> Path:
    # Plugin processes listen on Unix sockets under the data dir (108 bytes at most).
    base = "/tmp" if Path("/tmp").is_dir() else None
    return Path(tempfile.mkdtemp(prefix="althaus-bench-", dir=base)).resolve()


async def role_exists(server_url: str) -> bool:
    admin = await asyncpg.connect(db.plain_url(server_url))
    try:
        found = await admin.fetchval(
            "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", role_name(PLUGIN)
        )
    finally:
        await admin.close()
    return found is not None


async def create_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(db.plain_url(server_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def drop(server_url: str, cleanup: Cleanup) -> None:
    """Drop this run's database and, when this run made it and it is still there, the plugin's
    role (a role outlives the database; an uninstall that failed would leave it behind)."""
    admin = await asyncpg.connect(db.plain_url(server_url))
    try:
        if cleanup.database is not None:
            await admin.execute(f'DROP DATABASE IF EXISTS "{cleanup.database}" WITH (FORCE)')
        if cleanup.owns_role:
            await admin.execute(f'DROP ROLE IF EXISTS "{role_name(PLUGIN)}"')
    finally:
        await admin.close()


async def delete_redis_keys(url: str, prefix: str) -> None:
    client = core_redis.connect(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
        for start in range(0, len(keys), 500):
            await client.delete(*keys[start : start + 500])
    finally:
        await client.aclose()

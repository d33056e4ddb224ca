"""Stored supergraph versions (`system.supergraph_versions`) and their announcement on Redis."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
import redis.asyncio as aioredis
from sqlalchemy import text
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from core.audit_chain import AuditEntry, append
from core.config import Settings

CHANNEL = "supergraph:changed"
"""Redis channel (inside the platform prefix: `settings.redis_key(CHANNEL)`) of new versions."""

AUDIT_ACTION = "supergraph.version.create"

_COLUMNS = "version, sdl, hash, subgraphs, created_by, reason, created_at"


@dataclass(frozen=True)
class SupergraphVersion:
    """One numbered supergraph: its SDL, the subgraphs' URLs, who made it and why."""

    version: int
    sdl: str
    hash: str
    subgraphs: Mapping[str, str] = field(default_factory=dict)
    created_by: str | None = None
    reason: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Announcement:
    """What `announce` publishes: a version number and the hash of its SDL."""

    version: int
    hash: str


class AnnouncementInvalid(ValueError):
    """A message on the channel that is not `{"version": int, "hash": str}`."""

    code = "SUPERGRAPH_ANNOUNCEMENT_INVALID"


def sdl_hash(sdl: str) -> str:
    """The sha256 hex of the SDL, as stored in `hash`."""
    return hashlib.sha256(sdl.encode()).hexdigest()


def channel(settings: Settings) -> str:
    return settings.redis_key(CHANNEL)


async def store(
    conn: AsyncConnection,
    sdl: str,
    subgraphs: Mapping[str, str],
    *,
    created_by: str | None,
    reason: str | None,
    ip: str | None = None,
    request_id: str | None = None,
    audit: bool = True,
) -> SupergraphVersion:
    """Insert a new version and its audit row in the caller's transaction (commit is theirs).

    `audit=False` when the caller's own audit row (e.g. `plugin.activate`) records the change,
    so that one change leaves one row.
    """
    creator = str(uuid.UUID(str(created_by))) if created_by is not None else None
    digest = sdl_hash(sdl)
    result = await conn.execute(
        text(
            "INSERT INTO system.supergraph_versions (sdl, hash, subgraphs, created_by, reason)"
            " VALUES (:sdl, :hash, CAST(:subgraphs AS jsonb), CAST(:created_by AS uuid), :reason)"
            f" RETURNING {_COLUMNS}"
        ),
        {
            "sdl": sdl,
            "hash": digest,
            "subgraphs": json.dumps(dict(subgraphs), sort_keys=True),
            "created_by": creator,
            "reason": reason,
        },
    )
    stored = _from_row(result.mappings().one())
    if not audit:
        return stored
    await append(
        conn,
        AuditEntry(
            action=AUDIT_ACTION,
            resource_type="supergraph_version",
            resource_id=str(stored.version),
            user_id=creator,
            details={
                "hash": digest,
                "subgraphs": dict(stored.subgraphs),
                "reason": reason,
            },
            ip=ip,
            request_id=request_id,
        ),
    )
    return stored


async def latest(conn: AsyncConnection) -> SupergraphVersion | None:
    result = await conn.execute(
        text(f"SELECT {_COLUMNS} FROM system.supergraph_versions ORDER BY version DESC LIMIT 1")
    )
    row = result.mappings().first()
    return _from_row(row) if row is not None else None


async def get(conn: AsyncConnection, version: int) -> SupergraphVersion | None:
    result = await conn.execute(
        text(f"SELECT {_COLUMNS} FROM system.supergraph_versions WHERE version = :version"),
        {"version": int(version)},
    )
    row = result.mappings().first()
    return _from_row(row) if row is not None else None


async def history(conn: AsyncConnection, limit: int = 50) -> list[SupergraphVersion]:
    """The newest `limit` versions, newest first."""
    result = await conn.execute(
        text(
            f"SELECT {_COLUMNS} FROM system.supergraph_versions ORDER BY version DESC LIMIT :limit"
        ),
        {"limit": max(0, int(limit))},
    )
    return [_from_row(row) for row in result.mappings().all()]


async def announce(redis: aioredis.Redis, settings: Settings, version: SupergraphVersion) -> int:
    """Publish `{"version": n, "hash": h}`; returns how many subscribers received it."""
    message = orjson.dumps({"version": version.version, "hash": version.hash})
    receivers: int = await redis.publish(channel(settings), message)
    return receivers


def parse_announcement(data: bytes | str) -> Announcement:
    try:
        value: Any = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise AnnouncementInvalid("announcement is not JSON") from None
    if not isinstance(value, dict):
        raise AnnouncementInvalid("announcement is not a JSON object")
    number, digest = value.get("version"), value.get("hash")
    if not isinstance(number, int) or isinstance(number, bool) or not isinstance(digest, str):
        raise AnnouncementInvalid('announcement must be {"version": int, "hash": str}')
    return Announcement(number, digest)


def _from_row(row: RowMapping) -> SupergraphVersion:
    subgraphs = row["subgraphs"]
    if isinstance(subgraphs, str):
        subgraphs = json.loads(subgraphs)
    creator = row["created_by"]
    return SupergraphVersion(
        version=int(row["version"]),
        sdl=row["sdl"],
        hash=row["hash"],
        subgraphs={str(k): str(v) for k, v in (subgraphs or {}).items()},
        created_by=str(creator) if creator is not None else None,
        reason=row["reason"],
        created_at=row["created_at"],
    )

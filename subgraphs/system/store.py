"""Stored setting values: read through a Redis cache, written to `system.system_settings`.

The cache holds every stored value as one JSON document; a write drops it after its
transaction commits, so the next read loads the committed values.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.tables import system_settings

CACHE_TTL_SECONDS = 300


@dataclass(frozen=True)
class StoredSetting:
    value: Any
    updated_by: str | None
    updated_at: datetime | None


def cache_key(prefix: str) -> str:
    return f"{prefix}system:settings"


async def load(session: AsyncSession, redis: Any, prefix: str) -> dict[str, StoredSetting]:
    """Every stored setting, from the cache when it is there."""
    cached = await redis.get(cache_key(prefix))
    if cached is not None:
        raw = orjson.loads(cached)
        return {
            key: StoredSetting(
                item["value"],
                item["updatedBy"],
                datetime.fromisoformat(item["updatedAt"]) if item["updatedAt"] else None,
            )
            for key, item in raw.items()
        }
    rows = (await session.execute(select(system_settings))).all()
    stored = {
        row.key: StoredSetting(
            row.value, None if row.updated_by is None else str(row.updated_by), row.updated_at
        )
        for row in rows
    }
    document = {
        key: {
            "value": item.value,
            "updatedBy": item.updated_by,
            "updatedAt": item.updated_at.isoformat() if item.updated_at else None,
        }
        for key, item in stored.items()
    }
    await redis.set(cache_key(prefix), orjson.dumps(document), ex=CACHE_TTL_SECONDS)
    return stored


async def save(
    session: AsyncSession, key: str, value: Any, updated_by: str | None
) -> StoredSetting:
    by = _uuid_or_none(updated_by)
    statement = insert(system_settings).values(key=key, value=value, updated_by=by)
    upsert = statement.on_conflict_do_update(
        index_elements=[system_settings.c.key],
        set_={"value": statement.excluded.value, "updated_by": by, "updated_at": func.now()},
    ).returning(system_settings.c.updated_at)
    updated_at = (await session.execute(upsert)).scalar_one()
    return StoredSetting(value, None if by is None else str(by), updated_at)


async def invalidate(redis: Any, prefix: str) -> None:
    await redis.delete(cache_key(prefix))


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None  # an API key: not a user id

"""The audit writer: one hash-chained row in `audit.audit_log` per state-changing mutation.

Call `await audit.record(session, action, resource_type, resource_id, details)` inside the
mutation's transaction. The actor, IP, user agent and request id come from the request's
internal token (kit.context.current_actor). Writers take a transaction-level advisory lock so the
chain stays linear; secrets are dropped from `details` whatever the caller passes.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.context import current_actor
from subgraphs.kit.tables import audit_log

_SECRET_KEY = re.compile(r"password|secret|token|hash|credential|private", re.IGNORECASE)
REDACTED = "[redacted]"
GENESIS_HASH = "0" * 64
AUDIT_LOCK_KEY = 0x41_75_64_69_74  # "Audit": one advisory lock for the whole chain

_HASHED = (
    "created_at",
    "user_id",
    "action",
    "resource_type",
    "resource_id",
    "details",
    "ip",
    "user_agent",
    "request_id",
)


def audit_row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    """sha256 hex over the row's canonical JSON (sorted keys, ISO times) and `prev_hash`.

    Stand-in until core/ offers the canonical function; kept in step with it.
    """
    content: dict[str, Any] = {}
    for name in _HASHED:
        value = row.get(name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, uuid.UUID):
            value = str(value)
        content[name] = value
    content["prev_hash"] = prev_hash
    canonical = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def redact(details: Mapping[str, Any]) -> dict[str, Any]:
    """`details` with every value under a secret-looking key replaced, at any depth."""
    cleaned: dict[str, Any] = {}
    for key, value in details.items():
        if _SECRET_KEY.search(key):
            cleaned[key] = REDACTED
        elif isinstance(value, Mapping):
            cleaned[key] = redact(value)
        else:
            cleaned[key] = value
    return cleaned


def _user_id(sub: str | None) -> uuid.UUID | None:
    if not sub:
        return None
    try:
        return uuid.UUID(sub)
    except ValueError:
        return None  # an API key ("apikey:<id>"): recorded in details["actor"]


async def record(
    session: AsyncSession,
    action: str,
    resource_type: str,
    resource_id: str | None,
    details: Mapping[str, Any] | None = None,
    *,
    actor_id: str | None = None,
) -> int:
    """Append one audit row; returns its id. `actor_id` overrides the principal (e.g. on login,
    where the request is a guest's but the row belongs to the user who signed in)."""
    actor = current_actor.get()
    principal = actor.principal if actor else None
    context = actor.context if actor else None
    sub = actor_id or (principal.sub if principal else None)
    clean = redact(details or {})
    if sub and _user_id(sub) is None:
        clean["actor"] = sub
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    previous = await session.scalar(
        select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    )
    created_at = await session.scalar(text("SELECT clock_timestamp()"))
    row: dict[str, Any] = {
        "created_at": created_at,
        "user_id": _user_id(sub),
        "action": action,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "details": clean,
        "ip": context.ip if context else None,
        "user_agent": context.user_agent if context else None,
        "request_id": (context.request_id or None) if context else None,
    }
    prev_hash = previous or GENESIS_HASH
    row["prev_hash"] = prev_hash
    row["hash"] = audit_row_hash(row, prev_hash)
    inserted = await session.scalar(audit_log.insert().values(**row).returning(audit_log.c.id))
    assert inserted is not None
    return int(inserted)

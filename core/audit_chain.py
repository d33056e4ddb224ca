"""The audit hash chain: the canonical hash of an audit row, appending a row, verifying the chain.

Each row of `audit.audit_log` stores `prev_hash` (the previous row's `hash`; 64 zeros for the
first row) and `hash = sha256_hex(canonical_content(row, prev_hash))`. The canonical content is
the orjson dump, keys sorted, of an object with the keys of HASHED_COLUMNS plus `prev_hash`;
`created_at` as `datetime.isoformat()` of the timestamptz as asyncpg reads it (UTC), `user_id`
as the lower-case UUID string or null, `details` as the JSON object. The id is not hashed (the
chain fixes the order).

Writers call `append()` inside the transaction of the change they audit: it takes a
transaction-level advisory lock so rows are chained one after another.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

GENESIS_HASH = "0" * 64
AUDIT_LOCK_KEY = 0x41_75_64_69_74  # pg_advisory_xact_lock key ("Audit"), shared by all writers
HASHED_COLUMNS = (
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
_BATCH = 1000

Executor = AsyncConnection | AsyncSession


@dataclass(frozen=True)
class AuditEntry:
    """What happened; `append()` adds the time and the chain hashes."""

    action: str
    resource_type: str
    resource_id: str | None = None
    user_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    created_at: datetime
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    intact: bool
    rows: int
    first_broken_id: int | None = None
    reason: str | None = None


def details_json(details: Mapping[str, Any]) -> str:
    """`details` as stored in jsonb (non-JSON values become strings)."""
    return json.dumps(dict(details), separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_content(row: Mapping[str, Any], prev_hash: str) -> bytes:
    """The exact bytes hashed for one row (see the module docstring)."""
    content: dict[str, Any] = {}
    for name in HASHED_COLUMNS:
        value = row.get(name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, uuid.UUID):
            value = str(value)
        content[name] = value
    content["prev_hash"] = prev_hash
    return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)


def row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    """sha256 hex of `canonical_content(row, prev_hash)`: the `hash` column of the row."""
    return hashlib.sha256(canonical_content(row, prev_hash)).hexdigest()


async def append(executor: Executor, entry: AuditEntry) -> AuditRow:
    """Insert one chained audit row in the caller's transaction (commit is the caller's)."""
    await executor.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    last = await executor.execute(text("SELECT hash FROM audit.audit_log ORDER BY id DESC LIMIT 1"))
    prev_hash = last.scalar_one_or_none() or GENESIS_HASH
    created_at = (await executor.execute(text("SELECT clock_timestamp()"))).scalar_one()
    user_id = uuid.UUID(str(entry.user_id)) if entry.user_id is not None else None
    details = json.loads(details_json(entry.details))
    row = {
        "created_at": created_at,
        "user_id": user_id,
        "action": entry.action,
        "resource_type": entry.resource_type,
        "resource_id": entry.resource_id,
        "details": details,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "request_id": entry.request_id,
    }
    digest = row_hash(row, prev_hash)
    inserted = await executor.execute(
        text(
            "INSERT INTO audit.audit_log (created_at, user_id, action, resource_type, resource_id,"
            " details, ip, user_agent, request_id, prev_hash, hash)"
            " VALUES (:created_at, CAST(:user_id AS uuid), :action, :resource_type, :resource_id,"
            " CAST(:details AS jsonb), :ip, :user_agent, :request_id, :prev_hash, :hash)"
            " RETURNING id"
        ),
        {
            "created_at": created_at,
            "user_id": str(user_id) if user_id is not None else None,
            "action": entry.action,
            "resource_type": entry.resource_type,
            "resource_id": entry.resource_id,
            "details": details_json(entry.details),
            "ip": entry.ip,
            "user_agent": entry.user_agent,
            "request_id": entry.request_id,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )
    return AuditRow(
        id=inserted.scalar_one(), created_at=created_at, prev_hash=prev_hash, hash=digest
    )


async def verify_chain(
    executor: Executor, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    """Walk the log in id order; report the first row whose links or hash do not hold.

    `progress(rows_checked)` is called between batches (every 1000 rows).
    Catches changed, inserted and removed rows anywhere but at the very end (removing the
    newest rows leaves a shorter chain that is still consistent).
    """
    expected_prev = GENESIS_HASH
    previous_id: int | None = None
    count = 0
    while True:
        result = await executor.execute(
            text(
                "SELECT id, created_at, user_id, action, resource_type, resource_id, details,"
                " ip, user_agent, request_id, prev_hash, hash FROM audit.audit_log"
                " WHERE id > :after ORDER BY id LIMIT :limit"
            ),
            {"after": previous_id if previous_id is not None else 0, "limit": _BATCH},
        )
        rows = result.mappings().all()
        if not rows:
            return VerifyResult(intact=True, rows=count)
        if progress is not None and count:
            progress(count)
        for row in rows:
            count += 1
            if row["prev_hash"] != expected_prev:
                after = f"row {previous_id}" if previous_id is not None else "the start"
                return VerifyResult(
                    intact=False,
                    rows=count,
                    first_broken_id=row["id"],
                    reason=f"prev_hash does not match the hash of {after}"
                    " (a row was removed, inserted or changed)",
                )
            computed = row_hash(dict(row), row["prev_hash"])
            if computed != row["hash"]:
                return VerifyResult(
                    intact=False,
                    rows=count,
                    first_broken_id=row["id"],
                    reason="hash does not match the row's content (the row was changed)",
                )
            expected_prev = row["hash"]
            previous_id = row["id"]

"""The messages and rate-limit tables: every query the plugin runs, as its own database role."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .submission import Submission

WINDOW = timedelta(hours=1)
MAX_IP = 100
MAX_USER_AGENT = 500
UNKNOWN_IP = "unknown"
_COLUMNS = (
    "id, name, email, subject, message, sender_ip, user_agent, sender_id, read_at, created_at"
)


@dataclass(frozen=True)
class MessageRow:
    id: int
    name: str
    email: str
    subject: str | None
    message: str
    sender_ip: str | None
    user_agent: str | None
    sender_id: str | None
    read_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Sender:
    """Who sent a submission, as the request context and the principal tell."""

    ip: str | None
    user_agent: str | None
    user_id: str | None


def _row(record: Any) -> MessageRow:
    return MessageRow(**dict(record))


def rate_limit_key(ip: str | None) -> str:
    """The rate limit's bucket: the client IP; requests without one share a single bucket."""
    return (ip or UNKNOWN_IP)[:MAX_IP]


async def take_rate_limit(connection: Any, ip: str | None, limit: int) -> int | None:
    """Count one submission for `ip` if it is under `limit` in the last hour: None when counted,
    else the seconds until it may send again. Call inside the transaction that stores the
    message: the IP's row stays locked until it ends."""
    key = rate_limit_key(ip)
    # An upsert that always takes the row lock, even when a concurrent
    # forget_quiet_addresses just deleted the row (a SELECT ... FOR UPDATE would find nothing).
    record = await connection.fetchrow(
        "INSERT INTO rate_limits AS r (ip) VALUES ($1) ON CONFLICT (ip) DO UPDATE SET ip = r.ip "
        "RETURNING now() AS now, ARRAY(SELECT hit FROM unnest(r.hits) AS hit "
        "WHERE hit > now() - $2::interval ORDER BY hit) AS recent",
        key,
        WINDOW,
    )
    now: datetime = record["now"]
    recent: list[datetime] = list(record["recent"])
    if len(recent) >= limit:
        # Free again when enough of the oldest hits leave the window to go under the limit
        # (the limit may have been lowered since they were counted).
        frees_at = recent[len(recent) - limit] + WINDOW
        return max(1, math.ceil((frees_at - now).total_seconds()))
    await connection.execute(
        "UPDATE rate_limits SET hits = $2, updated_at = $3 WHERE ip = $1",
        key,
        [*recent, now],
        now,
    )
    return None


async def forget_quiet_addresses(connection: Any) -> None:
    """Drop the counters of addresses that sent nothing for an hour: they hold no live hits."""
    await connection.execute(
        "DELETE FROM rate_limits WHERE updated_at < now() - $1::interval", WINDOW
    )


async def insert(connection: Any, submission: Submission, sender: Sender) -> MessageRow:
    record = await connection.fetchrow(
        "INSERT INTO messages (name, email, subject, message, sender_ip, user_agent, sender_id) "
        f"VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {_COLUMNS}",
        submission.name,
        submission.email,
        submission.subject,
        submission.message,
        None if sender.ip is None else sender.ip[:MAX_IP],
        None if sender.user_agent is None else sender.user_agent[:MAX_USER_AGENT],
        sender.user_id,
    )
    return _row(record)


async def unused_id(connection: Any) -> int:
    """An id from the messages' sequence that no message will have (the honeypot's answer)."""
    sequence = "SELECT nextval(pg_get_serial_sequence('messages', 'id'))"
    return int(await connection.fetchval(sequence))


async def page(
    connection: Any, *, first: int, after_id: int | None, unread_only: bool
) -> tuple[list[MessageRow], bool]:
    """Messages newest first after `after_id`, and whether more follow."""
    records = await connection.fetch(
        f"SELECT {_COLUMNS} FROM messages "
        "WHERE ($1::bigint IS NULL OR id < $1) AND (NOT $2 OR read_at IS NULL) "
        "ORDER BY id DESC LIMIT $3",
        after_id,
        unread_only,
        first + 1,
    )
    rows = [_row(record) for record in records]
    return rows[:first], len(rows) > first


async def by_id(connection: Any, message_id: int) -> MessageRow | None:
    record = await connection.fetchrow(f"SELECT {_COLUMNS} FROM messages WHERE id = $1", message_id)
    return None if record is None else _row(record)


async def mark_read(connection: Any, message_id: int, read: bool) -> MessageRow | None:
    """Mark read (keeping the first time it was read) or unread; None when there is no such id."""
    record = await connection.fetchrow(
        "UPDATE messages SET read_at = CASE WHEN $2 THEN coalesce(read_at, now()) END "
        f"WHERE id = $1 RETURNING {_COLUMNS}",
        message_id,
        read,
    )
    return None if record is None else _row(record)


async def delete(connection: Any, message_id: int) -> bool:
    status = await connection.execute("DELETE FROM messages WHERE id = $1", message_id)
    return bool(status.endswith(" 1"))

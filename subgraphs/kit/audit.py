"""The audit writer: one hash-chained row in `audit.audit_log` per state-changing mutation.

Call `await audit.record(session, action, resource_type, resource_id, details)` inside the
mutation's transaction. The actor, IP, user agent and request id come from the request's
internal token (kit.context.current_actor). The row is chained by `core.audit_chain.append`
(advisory lock, canonical hash); secrets are dropped from `details` whatever the caller passes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit_chain import AuditEntry, append
from subgraphs.kit.context import current_actor

_SECRET_KEY = re.compile(r"password|secret|token|hash|credential|private", re.IGNORECASE)
REDACTED = "[redacted]"


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
    user_id = _user_id(sub)
    if sub and user_id is None:
        clean["actor"] = sub
    row = await append(
        session,
        AuditEntry(
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            user_id=None if user_id is None else str(user_id),
            details=clean,
            ip=context.ip if context else None,
            user_agent=context.user_agent if context else None,
            request_id=(context.request_id or None) if context else None,
        ),
    )
    return row.id

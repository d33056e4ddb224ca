"""Who asked for a lifecycle change, and the audit row the engine writes for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.audit_chain import AuditEntry, AuditRow, append


@dataclass(frozen=True)
class Actor:
    """The admin (and request) behind an install or uninstall, for the audit row."""

    user_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


async def record(
    connection: AsyncConnection,
    action: str,
    name: str,
    actor: Actor | None,
    details: Mapping[str, Any],
) -> AuditRow:
    who = actor or Actor()
    return await append(
        connection,
        AuditEntry(
            action=action,
            resource_type="plugin",
            resource_id=name,
            user_id=who.user_id,
            details=details,
            ip=who.ip,
            user_agent=who.user_agent,
            request_id=who.request_id,
        ),
    )

"""The audit log, newest first, filtered and paginated by cursor (admins only)."""

from __future__ import annotations

import uuid
from typing import Any, cast

import strawberry
from sqlalchemy import func, select
from strawberry.scalars import JSON
from strawberry.types import Info

from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.errors import BadUserInputError
from subgraphs.kit.pagination import Edge, PageInfo, decode_cursor, encode_cursor, page_size
from subgraphs.kit.tables import audit_log
from subgraphs.system.types import AuditEntry, AuditEntryConnection, AuditLogFilter, User

Ctx = Info[SubgraphContext, None]


def _entry(row: Any) -> AuditEntry:
    details = dict(row.details or {})
    actor = details.get("actor") or (None if row.user_id is None else str(row.user_id))
    return AuditEntry(
        id=strawberry.ID(str(row.id)),
        user=None if row.user_id is None else User(id=strawberry.ID(str(row.user_id))),
        actor=actor,
        action=row.action,
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        details=cast(JSON, details),
        ip=row.ip,
        user_agent=row.user_agent,
        request_id=row.request_id,
        created_at=row.created_at,
        hash=row.hash,
        prev_hash=row.prev_hash,
    )


def _conditions(filter: AuditLogFilter | None) -> list[Any]:
    if filter is None:
        return []
    conditions: list[Any] = []
    if filter.user_id is not None:
        try:
            conditions.append(audit_log.c.user_id == uuid.UUID(str(filter.user_id)))
        except ValueError:
            raise BadUserInputError(f"filter.userId: {filter.user_id!r} is not a user id") from None
    if filter.action is not None:
        conditions.append(audit_log.c.action == filter.action)
    if filter.resource_type is not None:
        conditions.append(audit_log.c.resource_type == filter.resource_type)
    if filter.resource_id is not None:
        conditions.append(audit_log.c.resource_id == filter.resource_id)
    if filter.from_ is not None:
        conditions.append(audit_log.c.created_at >= filter.from_)
    if filter.to is not None:
        conditions.append(audit_log.c.created_at < filter.to)
    return conditions


async def audit_log_page(
    info: Ctx,
    filter: AuditLogFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> AuditEntryConnection:
    size = page_size(first)
    conditions = _conditions(filter)
    query = select(audit_log).where(*conditions)
    if after is not None:
        (last_id,) = decode_cursor(after, 1)
        if not isinstance(last_id, int):
            raise BadUserInputError(f"after: {after!r} is not a cursor from this list")
        query = query.where(audit_log.c.id < last_id)
    query = query.order_by(audit_log.c.id.desc()).limit(size + 1)
    async with info.context.db() as session:
        rows = (await session.execute(query)).all()
        total = await session.scalar(select(func.count()).select_from(audit_log).where(*conditions))
    page = rows[:size]
    edges = [Edge(node=_entry(r), cursor=encode_cursor(r.id)) for r in page]
    return AuditEntryConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=int(total or 0),
    )

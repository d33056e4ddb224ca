"""GraphQL types of the system subgraph."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.scalars import JSON

from subgraphs.kit.pagination import Connection


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class User:
    """A user, resolved by the users subgraph through federation."""

    id: strawberry.ID


@strawberry.type(description="A platform setting: its value, default and JSON Schema.")
class Setting:
    key: str
    value: JSON
    default_value: JSON
    description: str
    json_schema: JSON
    is_default: bool
    updated_at: datetime | None
    updated_by: User | None


@strawberry.type(description="One row of the append-only, hash-chained audit log.")
class AuditEntry:
    id: strawberry.ID
    user: User | None
    actor: str | None = strawberry.field(description="Who acted: a user id or apikey:<id>.")
    action: str
    resource_type: str
    resource_id: str | None
    details: JSON
    ip: str | None
    user_agent: str | None
    request_id: str | None
    created_at: datetime
    hash: str
    prev_hash: str


@strawberry.input
class AuditLogFilter:
    user_id: strawberry.ID | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    from_: datetime | None = strawberry.field(default=None, name="from")
    to: datetime | None = None


AuditEntryConnection = Connection[AuditEntry]

"""Reading and changing rows of `system.plugin_registry` (the engine writes the install row)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.plugins.engine.errors import PluginNotInstalled

STATUSES = ("installed", "active", "inactive", "failed")

_COLUMNS = (
    "name, version, display_name, description, author, status, checksum, signature, manifest,"
    " error, installed_by, installed_at, updated_at, activated_at"
)


@dataclass(frozen=True)
class PluginRecord:
    """One registry row."""

    name: str
    version: str
    display_name: str
    status: str
    manifest: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None
    author: str | None = None
    checksum: str | None = None
    signature: str | None = None
    error: Mapping[str, Any] | None = None
    installed_by: str | None = None
    installed_at: datetime | None = None
    updated_at: datetime | None = None
    activated_at: datetime | None = None

    @property
    def subgraph(self) -> str:
        return f"plugin_{self.name}"


async def get(conn: AsyncConnection, name: str, *, lock: bool = False) -> PluginRecord:
    """The row of `name` (FOR UPDATE with `lock`); PluginNotInstalled when there is none."""
    suffix = " FOR UPDATE" if lock else ""
    result = await conn.execute(
        text(f"SELECT {_COLUMNS} FROM system.plugin_registry WHERE name = :name{suffix}"),
        {"name": name},
    )
    row = result.mappings().first()
    if row is None:
        raise PluginNotInstalled(name)
    return _record(row)


async def find(conn: AsyncConnection, name: str) -> PluginRecord | None:
    try:
        return await get(conn, name)
    except PluginNotInstalled:
        return None


async def all_plugins(conn: AsyncConnection, status: str | None = None) -> list[PluginRecord]:
    where = " WHERE status = :status" if status else ""
    result = await conn.execute(
        text(f"SELECT {_COLUMNS} FROM system.plugin_registry{where} ORDER BY name"),
        {"status": status} if status else {},
    )
    return [_record(row) for row in result.mappings().all()]


async def set_status(
    conn: AsyncConnection,
    name: str,
    status: str,
    *,
    error: Mapping[str, Any] | None = None,
    activated: bool = False,
) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown plugin status {status!r}")
    await conn.execute(
        text(
            "UPDATE system.plugin_registry SET status = :status,"
            " error = CAST(:error AS jsonb), updated_at = now(),"
            " activated_at = CASE WHEN :activated THEN now() ELSE activated_at END"
            " WHERE name = :name"
        ),
        {
            "name": name,
            "status": status,
            "error": json.dumps(dict(error)) if error is not None else None,
            "activated": activated,
        },
    )


async def set_package(
    conn: AsyncConnection,
    name: str,
    *,
    version: str,
    manifest: Mapping[str, Any],
    checksum: str,
    signature: str | None,
) -> None:
    """After an update: the new version's manifest, archive checksum and signature."""
    await conn.execute(
        text(
            "UPDATE system.plugin_registry SET version = :version, manifest = CAST(:manifest AS"
            " jsonb), checksum = :checksum, signature = :signature, display_name = :display_name,"
            " description = :description, author = :author, updated_at = now() WHERE name = :name"
        ),
        {
            "name": name,
            "version": version,
            "manifest": json.dumps(dict(manifest)),
            "checksum": checksum,
            "signature": signature,
            "display_name": str(manifest.get("display_name") or name),
            "description": manifest.get("description"),
            "author": _author(manifest.get("author")),
        },
    )


def _author(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("name")
    return str(value) if value is not None else None


def _record(row: RowMapping) -> PluginRecord:
    manifest = row["manifest"]
    if isinstance(manifest, str):
        manifest = json.loads(manifest)
    error = row["error"]
    if isinstance(error, str):
        error = json.loads(error)
    installed_by = row["installed_by"]
    return PluginRecord(
        name=row["name"],
        version=row["version"],
        display_name=row["display_name"],
        status=row["status"],
        manifest=manifest or {},
        description=row["description"],
        author=row["author"],
        checksum=row["checksum"],
        signature=row["signature"],
        error=error,
        installed_by=str(installed_by) if installed_by is not None else None,
        installed_at=row["installed_at"],
        updated_at=row["updated_at"],
        activated_at=row["activated_at"],
    )

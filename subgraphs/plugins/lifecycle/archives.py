"""Uploaded plugin archives: kept in `system.plugin_archives`, unpacked where processes run.

Any engine replica can so serve the exact package a plugin was installed from: the registry's
`checksum` names the archive, and `unpack` writes its verified files once per checksum.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.plugins.lifecycle.errors import ArchiveNotFound
from subgraphs.plugins.package import VerifiedPlugin


@dataclass(frozen=True)
class StoredArchive:
    checksum: str
    name: str
    version: str
    signature: str | None
    size: int
    archive: bytes
    uploaded_by: str | None = None
    uploaded_at: datetime | None = None


async def store(
    conn: AsyncConnection, data: bytes, verified: VerifiedPlugin, uploaded_by: str | None
) -> bool:
    """Keep a verified archive; False when the same archive (checksum) was already kept."""
    result = await conn.execute(
        text(
            "INSERT INTO system.plugin_archives"
            " (checksum, name, version, signature, archive, size, uploaded_by)"
            " VALUES (:checksum, :name, :version, :signature, :archive, :size,"
            " CAST(:uploaded_by AS uuid)) ON CONFLICT (checksum) DO NOTHING RETURNING checksum"
        ),
        {
            "checksum": verified.checksum,
            "name": verified.manifest.name,
            "version": verified.manifest.version,
            "signature": verified.signature,
            "archive": data,
            "size": len(data),
            "uploaded_by": _uuid_or_none(uploaded_by),
        },
    )
    return result.first() is not None


async def load(conn: AsyncConnection, checksum: str) -> StoredArchive:
    result = await conn.execute(
        text(
            "SELECT checksum, name, version, signature, size, archive, uploaded_by, uploaded_at"
            " FROM system.plugin_archives WHERE checksum = :checksum"
        ),
        {"checksum": checksum},
    )
    row = result.mappings().first()
    if row is None:
        raise ArchiveNotFound(checksum)
    by = row["uploaded_by"]
    return StoredArchive(
        checksum=row["checksum"],
        name=row["name"],
        version=row["version"],
        signature=row["signature"],
        size=row["size"],
        archive=bytes(row["archive"]),
        uploaded_by=str(by) if by is not None else None,
        uploaded_at=row["uploaded_at"],
    )


def unpack(verified: VerifiedPlugin, packages_dir: Path) -> Path:
    """Write the verified files under `packages_dir/<name>/<checksum>` (once); return that dir.

    Written into a temporary sibling and renamed, so a half-written folder is never used.
    """
    target = packages_dir / verified.manifest.name / verified.checksum[:32]
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}"
    try:
        for relative, content in verified.files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        os.replace(staging, target)
    except OSError:
        if target.is_dir():  # another replica or request unpacked the same archive first
            shutil.rmtree(staging, ignore_errors=True)
            return target
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _uuid_or_none(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None

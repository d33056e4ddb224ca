"""The trust store: publisher keys the operator trusts (`system.plugin_publishers`) and the
key shipped for the bundled plugins, trusted without a row."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.audit_chain import AuditEntry, append
from subgraphs.plugins.package.errors import PluginPackageError
from subgraphs.plugins.package.keys import Publisher, fingerprint, parse_public_key

BUNDLED_KEY_PATH = Path(__file__).resolve().parents[3] / "plugins" / "trusted" / "bundled.pub"
BUNDLED_NAME = "althaus (bundled plugins)"
_MIN_FINGERPRINT_PREFIX = 8


class PublisherExistsError(PluginPackageError):
    code = "PLUGIN_PUBLISHER_EXISTS"


class PublisherNotFoundError(PluginPackageError):
    code = "PLUGIN_PUBLISHER_NOT_FOUND"


class PublisherAmbiguousError(PluginPackageError):
    code = "PLUGIN_PUBLISHER_AMBIGUOUS"


class PublisherNameInvalidError(PluginPackageError):
    code = "PLUGIN_PUBLISHER_NAME_INVALID"


@dataclass(frozen=True)
class TrustedPublisher:
    """A row of the trust store (or the bundled key, which has no row)."""

    name: str
    public_key: str
    fingerprint: str
    added_at: datetime | None
    bundled: bool = False

    def as_publisher(self) -> Publisher:
        return Publisher(self.public_key, self.name, self.bundled)


@functools.cache
def bundled_publisher() -> TrustedPublisher | None:
    """The key shipped in `plugins/trusted/bundled.pub`, or None when the file is absent."""
    if not BUNDLED_KEY_PATH.is_file():
        return None
    key = parse_public_key(BUNDLED_KEY_PATH.read_text(encoding="ascii"), source="bundled.pub")
    return TrustedPublisher(BUNDLED_NAME, key, fingerprint(key), None, bundled=True)


async def list_publishers(connection: AsyncConnection) -> list[TrustedPublisher]:
    """Every trusted publisher: the bundled key first, then the operator's, oldest first."""
    rows = await connection.execute(
        text(
            "SELECT name, public_key, fingerprint, added_at FROM system.plugin_publishers"
            " ORDER BY added_at, name"
        )
    )
    bundled = bundled_publisher()
    trusted = [bundled] if bundled is not None else []
    trusted += [TrustedPublisher(*row) for row in rows]
    return trusted


async def trusted_keys(connection: AsyncConnection) -> list[Publisher]:
    """The keys `verify_archive` accepts signatures from."""
    return [publisher.as_publisher() for publisher in await list_publishers(connection)]


async def add_publisher(
    engine: AsyncEngine, public_key: str, name: str, *, added_by: str | None = None
) -> TrustedPublisher:
    """Trust a publisher key; its audit row is written in the same transaction."""
    key = parse_public_key(public_key)
    name = name.strip()
    if not 1 <= len(name) <= 100 or not name.isprintable():
        raise PublisherNameInvalidError("a publisher name is 1-100 printable characters")
    bundled = bundled_publisher()
    if bundled is not None and bundled.public_key == key:
        raise PublisherExistsError("this is the bundled plugins' key, which is always trusted")
    digest = fingerprint(key)
    try:
        async with engine.begin() as connection:
            row = await connection.execute(
                text(
                    "INSERT INTO system.plugin_publishers (name, public_key, fingerprint, added_by)"
                    " VALUES (:name, :key, :fingerprint, :added_by) RETURNING added_at"
                ),
                {
                    "name": name,
                    "key": key,
                    "fingerprint": digest,
                    "added_by": uuid.UUID(added_by) if added_by else None,
                },
            )
            added_at = row.scalar_one()
            await append(
                connection,
                AuditEntry(
                    action="plugin.publisher.trust",
                    resource_type="plugin_publisher",
                    resource_id=digest,
                    user_id=added_by,
                    details={"name": name, "public_key": key},
                ),
            )
    except IntegrityError:
        raise PublisherExistsError(f"publisher {digest[:16]} is already trusted") from None
    return TrustedPublisher(name, key, digest, added_at)


async def remove_publisher(
    engine: AsyncEngine, fingerprint_or_name: str, *, removed_by: str | None = None
) -> TrustedPublisher:
    """Stop trusting one publisher, chosen by fingerprint (or a prefix of 8+) or by name."""
    wanted = fingerprint_or_name.strip()
    bundled = bundled_publisher()
    async with engine.begin() as connection:
        if bundled is not None and _matches(bundled, wanted):
            raise PublisherExistsError("the bundled plugins' key is built in and cannot be removed")
        found = [
            p for p in await list_publishers(connection) if not p.bundled and _matches(p, wanted)
        ]
        if not found:
            raise PublisherNotFoundError(f"no trusted publisher has fingerprint or name {wanted!r}")
        if len(found) > 1:
            raise PublisherAmbiguousError(
                f"{len(found)} publishers match {wanted!r}; give the fingerprint instead"
            )
        publisher = found[0]
        await connection.execute(
            text("DELETE FROM system.plugin_publishers WHERE fingerprint = :fingerprint"),
            {"fingerprint": publisher.fingerprint},
        )
        await append(
            connection,
            AuditEntry(
                action="plugin.publisher.remove",
                resource_type="plugin_publisher",
                resource_id=publisher.fingerprint,
                user_id=removed_by,
                details={"name": publisher.name, "public_key": publisher.public_key},
            ),
        )
    return publisher


def _matches(publisher: TrustedPublisher, wanted: str) -> bool:
    lowered = wanted.lower()
    by_fingerprint = len(lowered) >= _MIN_FINGERPRINT_PREFIX and publisher.fingerprint.startswith(
        lowered
    )
    return by_fingerprint or publisher.name == wanted

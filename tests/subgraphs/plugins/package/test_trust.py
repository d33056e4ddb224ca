"""The trust store: publisher keys in system.plugin_publishers, each change audited."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import create_engine
from subgraphs.plugins.package.keys import fingerprint, public_key_hex
from subgraphs.plugins.package.trust import (
    PublisherExistsError,
    PublisherNotFoundError,
    add_publisher,
    bundled_publisher,
    list_publishers,
    remove_publisher,
    trusted_keys,
)


@pytest_asyncio.fixture(loop_scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    created = create_engine(database_url, pool_size=2, max_overflow=0)
    yield created
    await created.dispose()


def _new_key() -> str:
    return public_key_hex(Ed25519PrivateKey.generate())


async def _audit(engine: AsyncEngine, resource_id: str) -> list[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT action FROM audit.audit_log WHERE resource_id = :id ORDER BY id"),
            {"id": resource_id},
        )
        return [row[0] for row in rows]


async def test_added_publishers_are_listed_and_trusted_with_an_audit_row(
    engine: AsyncEngine,
) -> None:
    key = _new_key()
    added = await add_publisher(engine, key, "Ann's plugins")
    assert added.fingerprint == fingerprint(key)
    async with engine.connect() as connection:
        listed = await list_publishers(connection)
        keys = await trusted_keys(connection)
    assert [(p.name, p.public_key) for p in listed if p.public_key == key] == [
        ("Ann's plugins", key)
    ]
    assert key in {k.public_key for k in keys}
    assert await _audit(engine, added.fingerprint) == ["plugin.publisher.trust"]


async def test_the_bundled_key_is_trusted_without_a_row_and_cannot_be_removed(
    engine: AsyncEngine,
) -> None:
    bundled = bundled_publisher()
    assert bundled is not None
    async with engine.connect() as connection:
        listed = await list_publishers(connection)
    assert listed[0] == bundled
    with pytest.raises(PublisherExistsError, match="cannot be removed"):
        await remove_publisher(engine, bundled.fingerprint[:16])
    with pytest.raises(PublisherExistsError, match="always trusted"):
        await add_publisher(engine, bundled.public_key, "again")


async def test_a_key_is_trusted_once(engine: AsyncEngine) -> None:
    key = _new_key()
    await add_publisher(engine, key, "first")
    with pytest.raises(PublisherExistsError, match="already trusted"):
        await add_publisher(engine, key, "second")
    assert await _audit(engine, fingerprint(key)) == ["plugin.publisher.trust"]


async def test_removing_by_fingerprint_prefix_or_name_stops_trusting_with_an_audit_row(
    engine: AsyncEngine,
) -> None:
    by_prefix, by_name = _new_key(), _new_key()
    await add_publisher(engine, by_prefix, "prefix publisher")
    await add_publisher(engine, by_name, "named publisher")
    removed = await remove_publisher(engine, fingerprint(by_prefix)[:16])
    assert removed.public_key == by_prefix
    assert (await remove_publisher(engine, "named publisher")).public_key == by_name
    async with engine.connect() as connection:
        remaining = {p.public_key for p in await list_publishers(connection)}
    assert not {by_prefix, by_name} & remaining
    assert await _audit(engine, fingerprint(by_name)) == [
        "plugin.publisher.trust",
        "plugin.publisher.remove",
    ]


async def test_removing_an_unknown_publisher_is_refused(engine: AsyncEngine) -> None:
    with pytest.raises(PublisherNotFoundError):
        await remove_publisher(engine, "nobody at all")
    with pytest.raises(PublisherNotFoundError):
        await remove_publisher(engine, "abc")  # too short to be a fingerprint prefix

"""Gateway replicas follow the stored supergraph versions: announced on Redis, polled as a
fallback, the configured supergraph while none is stored, bad announcements ignored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest_asyncio
from sqlalchemy import text

from core import supergraph_versions as versions
from core.config import Settings
from core.resources import Resources
from supergraph.gateway import Gateway
from supergraph.sources import StoredSupergraphSource
from tests.supergraph.http.edge_fixture import SUPERGRAPH_FILE

SDL = SUPERGRAPH_FILE.read_text()
REASON = "tests/supergraph/test_sources.py"


def variant(n: int) -> str:
    """The same supergraph with another hash (a comment line), as a new version would be."""
    return f"{SDL}\n# variant {n}\n"


async def until(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


class Replica:
    def __init__(self, gateway: Gateway, source: StoredSupergraphSource) -> None:
        self.gateway = gateway
        self.source = source

    @property
    def version(self) -> int | None:
        snapshot = self.gateway.snapshot
        return snapshot.version if snapshot else None


@pytest_asyncio.fixture(loop_scope="session")
async def replicas(
    settings: Settings, resources: Resources
) -> AsyncIterator[Callable[..., Awaitable[Replica]]]:
    started: list[Replica] = []

    async def start(
        *, poll_seconds: float = 30.0, loader: Callable[[], Awaitable[str]] | None = None
    ) -> Replica:
        source = StoredSupergraphSource(
            resources.engine, resources.redis, settings, poll_seconds=poll_seconds
        )
        gateway = Gateway(settings, loader=loader, source=source, retry_seconds=0.1)
        await gateway.start()
        await source.wait_subscribed()
        replica = Replica(gateway, source)
        started.append(replica)
        return replica

    yield start
    for replica in started:
        await replica.gateway.close()
    # Later suites start `althaus dev` on this database: leave no version of this fixture.
    async with resources.engine.begin() as conn:
        await conn.execute(
            text("DELETE FROM system.supergraph_versions WHERE reason = :r"), {"r": REASON}
        )


async def store(resources: Resources, settings: Settings, sdl: str, *, announce: bool = True):  # type: ignore[no-untyped-def]
    async with resources.engine.begin() as conn:
        stored = await versions.store(
            conn, sdl, {"catalog": "http://127.0.0.1:9/graphql"}, created_by=None, reason=REASON
        )
    if announce:
        await versions.announce(resources.redis, settings, stored)
    return stored


async def test_every_replica_swaps_to_an_announced_version(
    replicas: Callable[..., Awaitable[Replica]], resources: Resources, settings: Settings
) -> None:
    first, second = await replicas(), await replicas()
    stored = await store(resources, settings, variant(1))
    assert await until(lambda: first.version == second.version == stored.version)
    assert first.gateway.snapshot is not None
    assert first.gateway.snapshot.supergraph.hash == second.gateway.snapshot.supergraph.hash  # type: ignore[union-attr]


async def test_a_version_stored_without_announcement_is_found_by_polling(
    replicas: Callable[..., Awaitable[Replica]], resources: Resources, settings: Settings
) -> None:
    replica = await replicas(poll_seconds=0.2)
    stored = await store(resources, settings, variant(2), announce=False)
    assert await until(lambda: replica.version == stored.version)


async def test_a_bad_announcement_is_ignored_and_the_replica_keeps_serving(
    replicas: Callable[..., Awaitable[Replica]], resources: Resources, settings: Settings
) -> None:
    stored = await store(resources, settings, variant(3))
    replica = await replicas()
    assert await until(lambda: replica.version == stored.version)
    await resources.redis.publish(versions.channel(settings), b"not json")
    await resources.redis.publish(versions.channel(settings), b'{"version": "x"}')
    await resources.redis.publish(versions.channel(settings), b'{"version": 999999, "hash": "h"}')
    newer = await store(resources, settings, variant(4))
    assert await until(lambda: replica.version == newer.version)


async def test_the_newest_stored_version_is_served_from_the_start(
    replicas: Callable[..., Awaitable[Replica]], resources: Resources, settings: Settings
) -> None:
    stored = await store(resources, settings, variant(5), announce=False)
    loaded: list[str] = []

    async def loader() -> str:
        loaded.append("called")
        return variant(99)

    replica = await replicas(loader=loader)
    assert await until(lambda: replica.version == stored.version)
    assert loaded == []  # a stored version wins over composing from the configured subgraphs


def test_parse_announcement_names_what_is_wrong() -> None:
    for bad in (b"[]", b"{}", b'{"version": true, "hash": "h"}', b"nope"):
        try:
            versions.parse_announcement(bad)
        except versions.AnnouncementInvalid as exc:
            assert exc.code == "SUPERGRAPH_ANNOUNCEMENT_INVALID"
        else:
            raise AssertionError(f"{bad!r} was accepted")
    assert versions.parse_announcement(b'{"version": 3, "hash": "h"}') == versions.Announcement(
        3, "h"
    )

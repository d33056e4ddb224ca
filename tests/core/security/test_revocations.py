"""Revocation records in Redis, and the in-memory follower the gateway checks tokens against."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from core.config import Settings
from core.resources import Resources
from core.security import revocations
from core.security.revocations import RECORD_SECONDS, RevocationFollower


@pytest.fixture
async def follower(resources: Resources, settings: Settings) -> AsyncIterator[RevocationFollower]:
    following = RevocationFollower(resources.redis, settings, reload_seconds=0.2)
    await following.start()
    await following.wait_subscribed()
    yield following
    await following.close()


async def _until(condition: object, seconds: float = 1.0) -> float:
    """Seconds until `condition()` holds (fails after `seconds`)."""
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - started < seconds, "not within the deadline"
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def test_a_token_issued_at_or_before_the_revocation_is_refused() -> None:
    assert revocations.refuses(100.5, 100)
    assert revocations.refuses(100.0, 100)
    assert not revocations.refuses(100.5, 101)
    assert not revocations.refuses(None, 100)


def test_a_token_of_unknown_issue_time_is_refused_whenever_there_is_a_record() -> None:
    assert revocations.refuses(100.0, None)
    assert not revocations.refuses(None, None)


async def test_record_keeps_the_time_for_as_long_as_a_token_can_live(
    resources: Resources, settings: Settings
) -> None:
    user = str(uuid.uuid4())
    at = await revocations.record(resources.redis, settings, user)
    assert await revocations.revoked_at(resources.redis, settings, user) == at
    ttl = await resources.redis.ttl(revocations.key(settings, user))
    assert RECORD_SECONDS - 5 <= ttl <= RECORD_SECONDS
    assert revocations.key(settings, user).startswith(settings.redis_prefix)


async def test_no_record_means_not_revoked(resources: Resources, settings: Settings) -> None:
    assert await revocations.revoked_at(resources.redis, settings, str(uuid.uuid4())) is None


async def test_the_follower_loads_the_records_made_before_it_started(
    resources: Resources, settings: Settings
) -> None:
    user = str(uuid.uuid4())
    at = await revocations.record(resources.redis, settings, user)
    following = RevocationFollower(resources.redis, settings)
    await following.start()
    try:
        assert following.revoked[user] == at
        assert following.refuses(user, int(at))
        assert not following.refuses(user, int(at) + 1)
    finally:
        await following.close()


async def test_the_follower_hears_a_revocation_within_a_second(
    resources: Resources, settings: Settings, follower: RevocationFollower
) -> None:
    user = str(uuid.uuid4())
    issued = int(time.time())
    assert not follower.refuses(user, issued)
    await revocations.record(resources.redis, settings, user)
    await _until(lambda: follower.refuses(user, issued))


async def test_a_record_whose_announcement_was_missed_is_found_by_the_reload(
    resources: Resources, settings: Settings, follower: RevocationFollower
) -> None:
    user = str(uuid.uuid4())
    # Written without its announcement, as if the message had been lost.
    await resources.redis.set(revocations.key(settings, user), repr(time.time()), ex=60)
    await _until(lambda: user in follower.revoked)


async def test_the_latest_revocation_wins(follower: RevocationFollower) -> None:
    user = str(uuid.uuid4())
    follower.note(user, 200.0)
    follower.note(user, 100.0)
    assert follower.revoked[user] == 200.0


async def test_a_bad_announcement_is_ignored(
    resources: Resources, settings: Settings, follower: RevocationFollower
) -> None:
    await resources.redis.publish(revocations.channel(settings), b"not json")
    user = str(uuid.uuid4())
    await revocations.record(resources.redis, settings, user)
    await _until(lambda: user in follower.revoked)


async def test_records_older_than_any_token_are_forgotten(follower: RevocationFollower) -> None:
    user = str(uuid.uuid4())
    follower.note(user, time.time() - RECORD_SECONDS - 1)
    await follower.reload()
    assert user not in follower.revoked

"""Resources: one engine and one Redis client, both talking to real servers."""

from __future__ import annotations

from sqlalchemy import text

from core.resources import Resources


async def test_resources_reach_the_run_database(resources: Resources, database_url: str) -> None:
    async with resources.engine.connect() as connection:
        name = (await connection.execute(text("SELECT current_database()"))).scalar_one()
    assert database_url.split("?")[0].endswith(f"/{name}")
    assert name.startswith("althaus_test_")


async def test_resources_redis_round_trips_a_prefixed_key(resources: Resources) -> None:
    key = resources.settings.redis_key("probe")
    await resources.redis.set(key, b"42", ex=30)
    assert await resources.redis.get(key) == b"42"
    assert key.startswith("althaus:test_")


async def test_session_factory_gives_sessions_on_the_shared_engine(resources: Resources) -> None:
    async with resources.session_factory() as session:
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
        assert session.bind is resources.engine

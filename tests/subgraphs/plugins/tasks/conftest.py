"""Fixtures for plugin task tests: a settable clock, a second engine (another replica), plugin
names of their own (the migrated database of the run is shared by every test)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core import db
from core.resources import Resources
from subgraphs.plugins.tasks import ScheduledPlugin, TaskSpec


class Clock:
    """The scheduler's injected clock: stays where a test puts it."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def at(moment: str) -> datetime:
    """`"2031-05-05 10:00:30"` as an aware UTC datetime."""
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def scheduled(
    name: str,
    *tasks: tuple[str, str],
    cpu_seconds: float = 60,
    activated_at: datetime | None = None,
) -> ScheduledPlugin:
    """A plugin with tasks given as (name, cron)."""
    return ScheduledPlugin(
        name=name,
        tasks=tuple(TaskSpec(task, cron, f"tasks.{task}") for task, cron in tasks),
        cpu_seconds=cpu_seconds,
        activated_at=activated_at or at("2030-01-01 00:00:00"),
    )


def active(*plugins: ScheduledPlugin) -> Callable[[], Awaitable[list[ScheduledPlugin]]]:
    """The scheduler's `plugins` callable, always giving these plugins."""

    async def plugins_() -> list[ScheduledPlugin]:
        return list(plugins)

    return plugins_


async def insert_run(
    engine: AsyncEngine,
    plugin: str,
    task: str,
    scheduled_for: datetime,
    *,
    started_ago_s: float,
    status: str = "running",
    replica: str = "gone",
) -> int:
    """A row as a replica would have left it, started `started_ago_s` seconds ago."""
    async with engine.begin() as connection:
        result = await connection.execute(
            text(
                "INSERT INTO system.plugin_task_runs"
                " (plugin_name, task_name, scheduled_for, started_at, status, replica)"
                " VALUES (:plugin, :task, :due, now() - make_interval(secs => :ago),"
                " :status, :replica) RETURNING id"
            ),
            {
                "plugin": plugin,
                "task": task,
                "due": scheduled_for,
                "ago": started_ago_s,
                "status": status,
                "replica": replica,
            },
        )
        return int(result.scalar_one())


@pytest.fixture
def plugin_name() -> str:
    """A plugin name of this test alone."""
    return f"t{secrets.token_hex(5)}"


@pytest.fixture
def clock() -> Clock:
    return Clock(at("2031-05-05 10:00:20"))


@pytest.fixture
def engine(resources: Resources) -> AsyncEngine:
    """The platform engine of the run (replica "a")."""
    return resources.engine


@pytest_asyncio.fixture(loop_scope="session")
async def other_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A second pool on the same database, as another replica's process would have."""
    engine = db.create_engine(database_url, pool_size=2, max_overflow=2)
    try:
        yield engine
    finally:
        await engine.dispose()

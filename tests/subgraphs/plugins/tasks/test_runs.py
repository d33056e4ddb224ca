"""Reading a plugin's task runs: newest first, by task, the last of each task."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.plugins.tasks import TaskRun, last_runs, list_runs
from tests.subgraphs.plugins.tasks.conftest import at, insert_run


async def test_runs_are_listed_newest_due_time_first_with_every_column(
    engine: AsyncEngine, plugin_name: str
) -> None:
    first = await insert_run(engine, plugin_name, "sync", at("2031-05-05 10:00"), started_ago_s=5)
    second = await insert_run(
        engine, plugin_name, "sync", at("2031-05-05 10:01"), started_ago_s=1, status="succeeded"
    )
    runs = await list_runs(engine, plugin_name)
    assert [r.id for r in runs] == [second, first]
    newest = runs[0]
    assert isinstance(newest, TaskRun)
    assert (newest.plugin_name, newest.task_name, newest.status, newest.replica) == (
        plugin_name,
        "sync",
        "succeeded",
        "gone",
    )
    assert newest.scheduled_for == at("2031-05-05 10:01")
    assert newest.started_at is not None
    assert (newest.finished_at, newest.duration_ms, newest.error) == (None, None, None)


async def test_runs_of_one_task_and_a_limit(engine: AsyncEngine, plugin_name: str) -> None:
    for minute in range(5):
        await insert_run(
            engine, plugin_name, "sync", at(f"2031-05-05 10:0{minute}"), started_ago_s=0
        )
    await insert_run(engine, plugin_name, "digest", at("2031-05-05 11:00"), started_ago_s=0)
    await insert_run(
        engine, f"{plugin_name}_other", "sync", at("2031-05-05 12:00"), started_ago_s=0
    )

    assert len(await list_runs(engine, plugin_name)) == 6
    sync = await list_runs(engine, plugin_name, task_name="sync", limit=2)
    assert [r.scheduled_for for r in sync] == [at("2031-05-05 10:04"), at("2031-05-05 10:03")]
    assert await list_runs(engine, plugin_name, task_name="missing") == []


async def test_last_run_of_each_task(engine: AsyncEngine, plugin_name: str) -> None:
    await insert_run(engine, plugin_name, "sync", at("2031-05-05 10:00"), started_ago_s=0)
    await insert_run(engine, plugin_name, "sync", at("2031-05-05 10:01"), started_ago_s=0)
    await insert_run(engine, plugin_name, "digest", at("2031-05-04 00:00"), started_ago_s=0)

    async with engine.connect() as connection:  # a connection works as well as an engine
        last = await last_runs(connection, plugin_name)
    assert {name: run.scheduled_for for name, run in last.items()} == {
        "sync": at("2031-05-05 10:01"),
        "digest": at("2031-05-04 00:00"),
    }

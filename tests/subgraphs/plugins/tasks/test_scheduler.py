"""The task scheduler: each due time once across replicas, outcomes, missed and abandoned runs."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from core import db
from subgraphs.plugins.tasks import ABANDONED, TaskScheduler, TaskSpec, error_line, list_runs
from tests.subgraphs.plugins.tasks.conftest import Clock, active, at, insert_run, scheduled

Calls = list[tuple[str, str, datetime]]


class TaskTimedOut(Exception):
    """What a runner raises for a run past its time limit."""

    timed_out = True


async def test_two_replicas_ticking_together_run_each_due_time_once(
    engine: AsyncEngine, other_engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    calls: Calls = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append((plugin, task.name, due))

    plugins = active(scheduled(plugin_name, ("sync", "* * * * *"), ("digest", "*/2 * * * *")))
    a = TaskScheduler(engine, plugins, run, replica="a", now=clock)
    b = TaskScheduler(other_engine, plugins, run, replica="b", now=clock)
    for _ in range(3):
        for _ in range(2):  # a second tick within the same minute claims nothing new
            await asyncio.gather(a.tick(), b.tick())
        await asyncio.gather(a.wait_idle(), b.wait_idle())
        clock.advance(minutes=1)

    assert sorted(calls) == [
        (plugin_name, "digest", at("2031-05-05 10:00:00")),
        (plugin_name, "digest", at("2031-05-05 10:02:00")),
        (plugin_name, "sync", at("2031-05-05 10:00:00")),
        (plugin_name, "sync", at("2031-05-05 10:01:00")),
        (plugin_name, "sync", at("2031-05-05 10:02:00")),
    ]
    runs = await list_runs(engine, plugin_name)
    assert sorted((r.task_name, r.scheduled_for) for r in runs) == [c[1:] for c in sorted(calls)]
    assert {r.status for r in runs} == {"succeeded"}
    assert {r.replica for r in runs} <= {"a", "b"}
    assert all(r.finished_at is not None and r.duration_ms is not None for r in runs)


async def test_many_replicas_claiming_the_same_due_time_run_it_once(
    engine: AsyncEngine, other_engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    calls: Calls = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append((plugin, task.name, due))

    plugins = active(scheduled(plugin_name, *((f"t{i}", "* * * * *") for i in range(10))))
    replicas = [
        TaskScheduler(engine if i % 2 else other_engine, plugins, run, f"r{i}", now=clock)
        for i in range(6)
    ]
    await asyncio.gather(*(replica.tick() for replica in replicas))
    await asyncio.gather(*(replica.wait_idle() for replica in replicas))

    assert sorted(name for _plugin, name, _due in calls) == sorted(f"t{i}" for i in range(10))
    assert len(await list_runs(engine, plugin_name)) == 10


async def test_a_failing_run_records_failed_with_its_error_line(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        raise RuntimeError("the feed at https://example.test answered 502\nmore detail")

    scheduler = TaskScheduler(
        engine, active(scheduled(plugin_name, ("sync", "* * * * *"))), run, "a", now=clock
    )
    await scheduler.tick()
    await scheduler.wait_idle()

    [recorded] = await list_runs(engine, plugin_name)
    assert recorded.status == "failed"
    assert recorded.error == "the feed at https://example.test answered 502"
    assert recorded.finished_at is not None and recorded.finished_at >= recorded.started_at


async def test_a_timed_out_run_records_timed_out(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        raise TaskTimedOut("sync used its 60 s of CPU time")

    scheduler = TaskScheduler(
        engine, active(scheduled(plugin_name, ("sync", "* * * * *"))), run, "a", now=clock
    )
    await scheduler.tick()
    await scheduler.wait_idle()

    [recorded] = await list_runs(engine, plugin_name)
    assert recorded.status == "timed_out"
    assert recorded.error == "sync used its 60 s of CPU time"


def test_the_error_line_is_one_bounded_line_never_a_traceback() -> None:
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "tasks.py", line 3, in sync\n'
        "    raise ValueError('bad date')\n"
        "ValueError: bad date\n"
    )
    assert error_line(RuntimeError(traceback)) == "ValueError: bad date"
    assert error_line(RuntimeError("x" * 2000)) == "x" * 499 + "…"
    assert len(error_line(RuntimeError("y" * 2000))) == 500
    assert error_line(KeyError()) == "KeyError"
    assert error_line(RuntimeError("\n  first\nsecond")) == "first"


async def test_after_ten_minutes_down_an_every_minute_task_runs_once_for_the_latest_minute(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    calls: Calls = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append((plugin, task.name, due))

    plugins = active(scheduled(plugin_name, ("sync", "* * * * *")))
    before = TaskScheduler(engine, plugins, run, "a", now=clock)
    await before.tick()
    await before.close()

    clock.advance(minutes=10)  # the replica was down from 10:00:20 to 10:10:20
    after = TaskScheduler(engine, plugins, run, "a", now=clock)
    await after.tick()
    clock.advance(seconds=15)
    await after.tick()
    await after.wait_idle()

    assert [due for _plugin, _task, due in calls] == [
        at("2031-05-05 10:00:00"),
        at("2031-05-05 10:10:00"),
    ]
    runs = await list_runs(engine, plugin_name)
    assert [r.scheduled_for for r in runs] == [at("2031-05-05 10:10:00"), at("2031-05-05 10:00:00")]


async def test_a_run_left_running_by_a_stopped_replica_is_marked_failed(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    other = f"{plugin_name}_inactive"
    # cpu_seconds 60: abandoned after 60 * 2 + 60 = 180 s.
    stale = await insert_run(engine, plugin_name, "sync", at("2031-05-05 09:00"), started_ago_s=300)
    recent = await insert_run(engine, plugin_name, "sync", at("2031-05-05 09:05"), started_ago_s=30)
    # A plugin no longer active: the longest limit a manifest allows (3600 s) is assumed.
    old = await insert_run(engine, other, "sync", at("2031-05-05 06:00"), started_ago_s=4 * 3600)
    hour = await insert_run(engine, other, "sync", at("2031-05-05 08:00"), started_ago_s=3600)

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        pass

    scheduler = TaskScheduler(
        engine, active(scheduled(plugin_name, cpu_seconds=60)), run, "a", now=clock
    )
    await scheduler.tick()

    runs = {
        r.id: r for r in [*await list_runs(engine, plugin_name), *await list_runs(engine, other)]
    }
    assert (runs[stale].status, runs[stale].error) == ("failed", ABANDONED)
    assert runs[stale].finished_at is not None
    assert runs[recent].status == "running"
    assert (runs[old].status, runs[old].error) == ("failed", ABANDONED)
    assert runs[hour].status == "running"


async def test_a_task_due_before_the_plugin_was_activated_is_not_run(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    calls: Calls = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append((plugin, task.name, due))

    plugin = scheduled(plugin_name, ("hourly", "0 * * * *"), activated_at=at("2031-05-05 10:03:10"))
    clock.set(at("2031-05-05 10:05:00"))
    scheduler = TaskScheduler(engine, active(plugin), run, "a", now=clock)
    await scheduler.tick()
    await scheduler.wait_idle()
    assert calls == []
    assert await list_runs(engine, plugin_name) == []

    clock.set(at("2031-05-05 11:00:05"))
    await scheduler.tick()
    await scheduler.wait_idle()
    assert calls == [(plugin_name, "hourly", at("2031-05-05 11:00:00"))]


async def test_a_task_due_in_the_minute_of_activation_runs(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    calls: Calls = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append((plugin, task.name, due))

    plugin = scheduled(plugin_name, ("sync", "* * * * *"), activated_at=at("2031-05-05 10:00:15"))
    scheduler = TaskScheduler(engine, active(plugin), run, "a", now=clock)
    await scheduler.tick()
    await scheduler.wait_idle()
    assert calls == [(plugin_name, "sync", at("2031-05-05 10:00:00"))]


async def test_a_replica_runs_one_run_of_a_task_at_a_time_and_leaves_the_next_to_others(
    engine: AsyncEngine, other_engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    release = asyncio.Event()
    calls: list[tuple[str, datetime]] = []

    async def slow(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append(("a", due))
        await release.wait()

    async def quick(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append(("b", due))

    plugins = active(scheduled(plugin_name, ("sync", "* * * * *")))
    a = TaskScheduler(engine, plugins, slow, "a", now=clock)
    b = TaskScheduler(other_engine, plugins, quick, "b", now=clock)
    await a.tick()
    await asyncio.sleep(0)
    clock.advance(minutes=1)
    assert await a.tick() == []  # still running 10:00's run
    await b.tick()
    await b.wait_idle()
    release.set()
    await a.wait_idle()

    assert calls == [("a", at("2031-05-05 10:00:00")), ("b", at("2031-05-05 10:01:00"))]
    runs = await list_runs(engine, plugin_name)
    assert [(r.replica, r.status) for r in runs] == [("b", "succeeded"), ("a", "succeeded")]


async def test_runs_do_not_wait_for_each_other(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    release = asyncio.Event()
    started: list[str] = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        started.append(task.name)
        if task.name == "slow":
            await release.wait()

    plugins = active(scheduled(plugin_name, ("slow", "* * * * *"), ("quick", "* * * * *")))
    scheduler = TaskScheduler(engine, plugins, run, "a", now=clock)
    await scheduler.tick()
    for _ in range(50):
        if (await list_runs(engine, plugin_name, task_name="quick"))[0].status == "succeeded":
            break
        await asyncio.sleep(0.02)
    assert sorted(started) == ["quick", "slow"]
    assert (await list_runs(engine, plugin_name, task_name="quick"))[0].status == "succeeded"
    assert (await list_runs(engine, plugin_name, task_name="slow"))[0].status == "running"
    release.set()
    await scheduler.wait_idle()


async def test_close_waits_for_runs_then_records_those_it_cancels(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        if task.name == "stuck":
            await asyncio.Event().wait()
        await asyncio.sleep(0.05)

    plugins = active(scheduled(plugin_name, ("stuck", "* * * * *"), ("short", "* * * * *")))
    scheduler = TaskScheduler(engine, plugins, run, "a", now=clock)
    await scheduler.tick()
    await scheduler.close(grace=0.5)

    runs = {r.task_name: r for r in await list_runs(engine, plugin_name)}
    assert runs["short"].status == "succeeded"
    assert runs["stuck"].status == "failed"
    assert runs["stuck"].error == "cancelled: the replica stopped before the run finished"
    assert scheduler.running == {}


async def test_started_scheduler_ticks_in_the_background(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    done = asyncio.Event()

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        done.set()

    plugins = active(scheduled(plugin_name, ("sync", "* * * * *")))
    scheduler = TaskScheduler(engine, plugins, run, "a", tick_seconds=0.05, now=clock)
    await scheduler.start()
    try:
        await asyncio.wait_for(done.wait(), 5)
    finally:
        await scheduler.close()
    [recorded] = await list_runs(engine, plugin_name)
    assert recorded.status == "succeeded"


async def test_an_unreachable_database_is_logged_and_the_loop_goes_on(
    clock: Clock, plugin_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    calls: Calls = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append((plugin, task.name, due))

    unreachable = db.create_engine("postgresql://postgres@127.0.0.1:9/nowhere")
    plugins = active(scheduled(plugin_name, ("sync", "* * * * *")))
    scheduler = TaskScheduler(unreachable, plugins, run, "a", tick_seconds=0.05, now=clock)
    try:
        with caplog.at_level(logging.WARNING, logger="subgraphs.plugins.tasks.scheduler"):
            assert await scheduler.tick() == []
            await scheduler.start()
            await asyncio.sleep(0.3)
            assert scheduler._loop is not None and not scheduler._loop.done()
    finally:
        await scheduler.close()
        await unreachable.dispose()
    assert calls == []
    messages = [record.getMessage() for record in caplog.records]
    assert "due tasks not claimed; retrying at the next tick" in messages
    assert all(hasattr(record, "context") for record in caplog.records)


async def test_a_failing_plugin_list_is_logged_and_retried(
    engine: AsyncEngine, clock: Clock, plugin_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    attempts = 0

    async def plugins() -> list:  # type: ignore[type-arg]
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise ConnectionError("registry unreachable")
        return [scheduled(plugin_name, ("sync", "* * * * *"))]

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        pass

    scheduler = TaskScheduler(engine, plugins, run, "a", now=clock)
    with caplog.at_level(logging.WARNING, logger="subgraphs.plugins.tasks.scheduler"):
        assert await scheduler.tick() == []
    assert "active plugins not read; no task runs this tick" in caplog.messages
    [claim] = await scheduler.tick()
    await scheduler.wait_idle()
    assert (claim.task.name, claim.scheduled_for) == ("sync", at("2031-05-05 10:00:00"))


async def test_a_task_with_an_invalid_cron_is_skipped_and_the_others_run(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    calls: Calls = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append((plugin, task.name, due))

    plugins = active(scheduled(plugin_name, ("broken", "61 * * * *"), ("sync", "* * * * *")))
    scheduler = TaskScheduler(engine, plugins, run, "a", now=clock)
    await scheduler.tick()
    await scheduler.wait_idle()
    assert [task for _plugin, task, _due in calls] == ["sync"]


async def test_a_plugin_listed_twice_runs_its_task_once(
    engine: AsyncEngine, clock: Clock, plugin_name: str
) -> None:
    calls: Calls = []

    async def run(plugin: str, task: TaskSpec, due: datetime) -> None:
        calls.append((plugin, task.name, due))

    plugin = scheduled(plugin_name, ("sync", "* * * * *"))
    scheduler = TaskScheduler(engine, active(plugin, plugin), run, "a", now=clock)
    await scheduler.tick()
    await scheduler.wait_idle()
    assert calls == [(plugin_name, "sync", at("2031-05-05 10:00:00"))]

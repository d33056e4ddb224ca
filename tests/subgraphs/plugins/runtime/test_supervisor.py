"""The supervisor restarts a crashed plugin with backoff and gives up after a crash loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio

from subgraphs.plugins.runtime import PluginStartFailed, RestartPolicy, Supervisor
from supergraph.transport.base import TransportError

from .conftest import fixture_spec, query

FAST = RestartPolicy(max_crashes=3, window=60.0, base_delay=0.1, max_delay=1.0, ready_timeout=30.0)


class Failures:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.event = asyncio.Event()

    async def __call__(self, name: str, reason: str) -> None:
        self.calls.append((name, reason))
        self.event.set()


@pytest_asyncio.fixture
async def failures() -> Failures:
    return Failures()


@pytest_asyncio.fixture
async def supervisor(failures: Failures) -> AsyncIterator[Supervisor]:
    supervisor = Supervisor(failures, FAST)
    yield supervisor
    await supervisor.stop_all()


async def crash(process_query: Callable[[], object]) -> None:
    try:
        await process_query()  # type: ignore[misc]
    except TransportError:
        pass  # the connection dies with the process


async def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


def test_backoff_doubles_up_to_its_cap() -> None:
    policy = RestartPolicy(base_delay=0.5, max_delay=3.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


async def test_a_crashed_plugin_is_restarted_and_serves_again(
    supervisor: Supervisor,
    failures: Failures,
    platform_secret: str,
    runtime_dirs: Callable[[], Path],
) -> None:
    spec = fixture_spec("fixture_crashy", runtime_dirs(), platform_secret)
    process = await supervisor.start(spec)
    first_pid = process.pid
    (spec.home / "healed").write_text("restart normally")
    await crash(lambda: query(process, "{ crash }", platform_secret))
    entry = supervisor.get("fixture_crashy")
    assert entry is not None
    await wait_for(lambda: entry.state == "running" and entry.restarts == 1)
    result = await query(entry.process, "{ starts }", platform_secret)
    assert result == {"data": {"starts": 2}}
    assert entry.process.pid != first_pid
    assert failures.calls == []


async def test_a_crash_loop_ends_in_on_failed_after_max_crashes(
    supervisor: Supervisor,
    failures: Failures,
    platform_secret: str,
    runtime_dirs: Callable[[], Path],
) -> None:
    spec = fixture_spec("fixture_crashy", runtime_dirs(), platform_secret)
    process = await supervisor.start(spec)
    await crash(lambda: query(process, "{ crash }", platform_secret))
    await asyncio.wait_for(failures.event.wait(), 60)
    name, reason = failures.calls[0]
    assert name == "fixture_crashy"
    assert f"crashed {FAST.max_crashes} times" in reason
    entry = supervisor.get("fixture_crashy")
    assert entry is not None and entry.state == "failed"
    assert entry.restarts == FAST.max_crashes - 1
    assert not entry.process.running
    assert len(failures.calls) == 1


async def test_a_plugin_that_cannot_start_is_refused_with_its_reason(
    supervisor: Supervisor, platform_secret: str, runtime_dirs: Callable[[], Path]
) -> None:
    spec = fixture_spec("fixture_crashy", runtime_dirs(), platform_secret)
    spec.home.mkdir(parents=True)
    (spec.home / "starts").write_text("1")  # the next start is a "restart": it exits at once
    try:
        await supervisor.start(spec)
    except PluginStartFailed as exc:
        assert exc.code == "PLUGIN_START_FAILED"
        assert "exited with code 5" in str(exc)
    else:
        raise AssertionError("a plugin exiting at startup was reported as started")
    assert supervisor.get("fixture_crashy") is None


async def test_stopping_a_plugin_while_it_restarts_leaves_no_process(
    supervisor: Supervisor, platform_secret: str, runtime_dirs: Callable[[], Path]
) -> None:
    spec = fixture_spec("fixture_crashy", runtime_dirs(), platform_secret)
    process = await supervisor.start(spec)
    (spec.home / "healed").write_text("restart normally")
    await crash(lambda: query(process, "{ crash }", platform_secret))
    entry = supervisor.get("fixture_crashy")
    assert entry is not None
    await wait_for(lambda: entry.restarts == 1)  # the restart is under way
    await supervisor.stop("fixture_crashy")
    assert entry.state == "stopped"
    assert not entry.process.running
    assert supervisor.get("fixture_crashy") is None

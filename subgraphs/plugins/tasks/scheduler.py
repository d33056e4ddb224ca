"""The task scheduler: runs each due time of each plugin task once, across every engine replica.

Every replica runs a TaskScheduler. At each tick it works out, for each task of each active
plugin, the latest due minute (`previous_due(cron, now)`) and claims it by inserting the row
(plugin, task, due time) into `system.plugin_task_runs`; the table's unique key lets exactly
one replica insert it, and only that one runs the task. See docs/plugin-tasks.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.plugins.tasks.claims import claim_due, reap_abandoned, record_result
from subgraphs.plugins.tasks.errors import TaskScheduleError
from subgraphs.plugins.tasks.model import (
    Due,
    Runner,
    ScheduledPlugin,
    TaskClaim,
    TaskSpec,
    abandoned_after_seconds,
)
from subgraphs.plugins.tasks.outcome import (
    ABANDONED,
    CANCELLED,
    ERROR_LIMIT,
    Outcome,
    RunResult,
    error_line,
)
from subgraphs.plugins.tasks.schedule import previous_due

__all__ = [
    "ABANDONED",
    "CANCELLED",
    "ERROR_LIMIT",
    "Outcome",
    "Runner",
    "ScheduledPlugin",
    "TaskClaim",
    "TaskScheduler",
    "TaskSpec",
    "abandoned_after_seconds",
    "error_line",
]

log = logging.getLogger(__name__)

# Looking for abandoned runs reads every `running` row; once a minute is soon enough.
_REAP_EVERY_SECONDS = 60.0
_RECORD_SECONDS = 5.0


class TaskScheduler:
    """Runs the due tasks of the active plugins; one per engine replica, all at once.

    `plugins()` gives the active plugins at each tick; `run(plugin_name, task, due)` runs one
    task in the plugin's process. Runs go to background tasks, at most one per (plugin, task)
    on this replica; their outcome is recorded in `system.plugin_task_runs`. Database failures
    are logged and retried at the next tick.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        plugins: Callable[[], Awaitable[Sequence[ScheduledPlugin]]],
        run: Runner,
        replica: str,
        tick_seconds: float = 15.0,
        now: Callable[[], datetime] | None = None,
        *,
        grace_seconds: float = 30.0,
    ) -> None:
        self.engine = engine
        self.plugins = plugins
        self.run = run
        self.replica = replica
        self.tick_seconds = tick_seconds
        self.now = now or _utc_now
        self.grace_seconds = grace_seconds
        self._running: dict[tuple[str, str], tuple[int, asyncio.Task[None]]] = {}
        # The last due time this replica tried to claim per (plugin, task), claimed or not:
        # each due time is inserted once per replica, not at every tick.
        self._tried: dict[tuple[str, str], datetime] = {}
        self._unrecorded: list[RunResult] = []
        self._invalid: set[tuple[str, str, str]] = set()
        self._next_reap = 0.0
        self._loop: asyncio.Task[None] | None = None

    @property
    def running(self) -> dict[tuple[str, str], int]:
        """The runs in progress on this replica: (plugin, task) -> run id."""
        return {key: run_id for key, (run_id, _task) in self._running.items()}

    async def start(self) -> None:
        """Tick every `tick_seconds` in the background until `close()`."""
        if self._loop is None:
            self._loop = asyncio.create_task(self._ticking(), name="plugin-task-scheduler")

    async def close(self, grace: float | None = None) -> None:
        """Stop ticking; wait up to `grace` seconds (default `grace_seconds`) for the runs in
        progress, then cancel those left (recorded `failed`)."""
        loop, self._loop = self._loop, None
        if loop is not None:
            loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop
        tasks = [task for _run_id, task in self._running.values()]
        if tasks:
            _done, pending = await asyncio.wait(
                tasks, timeout=self.grace_seconds if grace is None else grace
            )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._record_unrecorded()

    async def wait_idle(self) -> None:
        """Until the runs in progress on this replica have finished and been recorded."""
        while self._running:
            tasks = [task for _run_id, task in self._running.values()]
            await asyncio.gather(*tasks, return_exceptions=True)

    async def tick(self) -> list[TaskClaim]:
        """One round: record what is pending, reap abandoned runs, claim and start due ones.

        Returns the claims this replica started. Never raises but for cancellation.
        """
        try:
            return await self._tick()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception(
                "task scheduler tick failed; retrying at the next one",
                extra={"context": {"replica": self.replica, "error": error_line(exc)}},
            )
            return []

    async def _tick(self) -> list[TaskClaim]:
        now = _utc(self.now())
        await self._record_unrecorded()
        try:
            plugins = list(await self.plugins())
        except Exception as exc:
            log.warning(
                "active plugins not read; no task runs this tick",
                extra={"context": {"replica": self.replica, "error": error_line(exc)}},
            )
            return []
        if time.monotonic() >= self._next_reap:
            if await self._reap(plugins):
                self._next_reap = time.monotonic() + _REAP_EVERY_SECONDS
        due = self._due(plugins, now)
        if not due:
            return []
        claims = await self._claim(due)
        for claim in claims:
            self._start(claim)
        return claims

    def _due(self, plugins: Sequence[ScheduledPlugin], now: datetime) -> list[Due]:
        due: list[Due] = []
        seen: set[tuple[str, str]] = set()
        for plugin in plugins:
            activated = _utc(plugin.activated_at).replace(second=0, microsecond=0)
            for task in plugin.tasks:
                key = (plugin.name, task.name)
                if key in seen:
                    continue  # listed twice: one run, not two
                seen.add(key)
                if key in self._running:
                    continue  # left to another replica, or to a later tick
                when = self._previous_due(plugin, task, now)
                if when is None or when < activated or self._tried.get(key) == when:
                    continue
                due.append((plugin, task, when))
        for key in self._tried.keys() - seen:
            del self._tried[key]  # a plugin deactivated, a task gone
        return due

    def _previous_due(
        self, plugin: ScheduledPlugin, task: TaskSpec, now: datetime
    ) -> datetime | None:
        try:
            return previous_due(task.cron, now)
        except TaskScheduleError as exc:
            marker = (plugin.name, task.name, task.cron)
            if marker not in self._invalid:
                self._invalid.add(marker)
                log.warning(
                    "task not scheduled: its cron expression is invalid",
                    extra={"context": self._context(plugin.name, task.name, error=str(exc))},
                )
            return None

    async def _claim(self, due: list[Due]) -> list[TaskClaim]:
        try:
            inserted = await claim_due(self.engine, self.replica, due)
        except Exception as exc:
            log.warning(
                "due tasks not claimed; retrying at the next tick",
                extra={"context": {"replica": self.replica, "error": error_line(exc)}},
            )
            return []
        claims: list[TaskClaim] = []
        for plugin, task, when in due:
            self._tried[(plugin.name, task.name)] = when
            run_id = inserted.pop((plugin.name, task.name), None)
            if run_id is not None:
                claims.append(TaskClaim(run_id, plugin, task, when))
        return claims

    def _start(self, claim: TaskClaim) -> None:
        key = (claim.plugin.name, claim.task.name)
        task = asyncio.create_task(
            self._execute(claim), name=f"plugin-task:{claim.plugin.name}:{claim.task.name}"
        )
        self._running[key] = (claim.run_id, task)

        def forget(done: asyncio.Task[None]) -> None:
            if self._running.get(key, (0, None))[1] is done:
                del self._running[key]

        task.add_done_callback(forget)

    async def _execute(self, claim: TaskClaim) -> None:
        plugin, task = claim.plugin, claim.task
        started = time.monotonic()
        status: Outcome = "succeeded"
        error: str | None = None
        bound = asyncio.timeout(plugin.run_bound_seconds)
        try:
            async with bound:
                await self.run(plugin.name, task, claim.scheduled_for)
        except asyncio.CancelledError:
            await self._finish(RunResult(claim.run_id, "failed", _since(started), CANCELLED))
            raise
        except Exception as exc:
            if bound.expired():
                status = "timed_out"
                error = f"timed out: no result after {plugin.run_bound_seconds:g} s"
            else:
                status = "timed_out" if getattr(exc, "timed_out", False) is True else "failed"
                error = error_line(exc)
        result = RunResult(claim.run_id, status, _since(started), error)
        if status != "succeeded":
            log.warning(
                "task run %s",
                status.replace("_", " "),
                extra={"context": self._context(plugin.name, task.name, error=error)},
            )
        await self._finish(result)

    async def _finish(self, result: RunResult) -> None:
        try:
            async with asyncio.timeout(_RECORD_SECONDS):
                await record_result(self.engine, result)
        except Exception as exc:
            self._unrecorded.append(result)
            log.warning(
                "task run outcome not recorded; retrying at the next tick",
                extra={
                    "context": {
                        "replica": self.replica,
                        "run_id": result.run_id,
                        "error": error_line(exc),
                    }
                },
            )

    async def _record_unrecorded(self) -> None:
        pending, self._unrecorded = self._unrecorded, []
        for index, result in enumerate(pending):
            try:
                await record_result(self.engine, result)
            except Exception:
                self._unrecorded.extend(pending[index:])
                return

    async def _reap(self, plugins: Sequence[ScheduledPlugin]) -> bool:
        """Mark `failed` the runs left `running` by a replica that stopped; True when done."""
        mine = [run_id for run_id, _task in self._running.values()]
        try:
            reaped = await reap_abandoned(self.engine, mine, plugins)
        except Exception as exc:
            log.warning(
                "abandoned task runs not checked; retrying at the next tick",
                extra={"context": {"replica": self.replica, "error": error_line(exc)}},
            )
            return False
        for row in reaped:
            log.warning(
                "task run abandoned by its replica; marked failed",
                extra={
                    "context": {
                        **self._context(row.plugin_name, row.task_name),
                        "run_id": row.id,
                        "scheduled_for": row.scheduled_for.isoformat(),
                        "abandoned_by": row.replica,
                    }
                },
            )
        return True

    async def _ticking(self) -> None:
        while True:
            await self.tick()
            await asyncio.sleep(self.tick_seconds)

    def _context(self, plugin: str, task: str, **more: Any) -> dict[str, Any]:
        return {"replica": self.replica, "plugin": plugin, "task": task, **more}


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"the scheduler needs aware datetimes, got {moment}")
    return moment.astimezone(UTC)

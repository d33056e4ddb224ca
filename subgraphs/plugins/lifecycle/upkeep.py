"""What runs in the background for the plugins a host serves: the watchdog and their tasks.

Every few seconds the watchdog holds each running plugin to its statement and
idle-in-transaction limits and its storage quota; the task scheduler runs the scheduled tasks
of the plugins served on this replica, each as a one-shot run of the plugin.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from core import channels
from subgraphs.plugins.engine import Limits, enforce_limits, enforce_quota
from subgraphs.plugins.lifecycle import registry
from subgraphs.plugins.lifecycle.errors import PluginStateInvalid, reason_of
from subgraphs.plugins.lifecycle.processes import PluginProcesses

if TYPE_CHECKING:
    from subgraphs.plugins.tasks.scheduler import ScheduledPlugin, TaskScheduler, TaskSpec

log = logging.getLogger(__name__)


class Upkeep:
    """The watchdog loop and the task scheduler of the plugins `processes` runs."""

    def __init__(
        self,
        engine: AsyncEngine,
        processes: PluginProcesses,
        *,
        replica: str,
        watchdog_seconds: float,
        scheduler_tick_seconds: float,
    ) -> None:
        self.engine = engine
        self.processes = processes
        self.replica = replica
        self.watchdog_seconds = watchdog_seconds
        self.scheduler_tick_seconds = scheduler_tick_seconds
        self._watchdog_task: asyncio.Task[None] | None = None
        self._scheduler: TaskScheduler | None = None

    async def start(self, *, scheduler: bool) -> None:
        if self._watchdog_task is None:
            self._watchdog_task = asyncio.create_task(self._watchdog(), name="plugin-host-watchdog")
        if scheduler and self._scheduler is None:
            await self._start_scheduler()

    async def close(self) -> None:
        task, self._watchdog_task = self._watchdog_task, None
        if task is not None:
            await channels.cancel([task])
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            with contextlib.suppress(Exception):
                await scheduler.close()

    async def _watchdog(self) -> None:
        while True:
            await asyncio.sleep(self.watchdog_seconds)
            for name in self.processes.names():
                try:
                    async with self.engine.connect() as conn:
                        current = await registry.find(conn, name)
                    if current is None:
                        continue
                    limits = Limits.from_manifest(current.manifest)
                    await enforce_limits(
                        self.engine,
                        name,
                        limits.statement_timeout_ms,
                        idle_in_transaction_timeout_ms=limits.idle_in_transaction_timeout_ms,
                    )
                    await enforce_quota(self.engine, name, limits.storage_bytes)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning(
                        "plugin watchdog failed; retrying",
                        extra={"context": {"plugin": name, "error": reason_of(exc)}},
                    )

    async def _start_scheduler(self) -> None:
        try:
            from subgraphs.plugins.tasks.scheduler import TaskScheduler
        except ImportError:  # pragma: no cover - the scheduler ships with the host
            log.warning("plugin task scheduler unavailable")
            return
        self._scheduler = TaskScheduler(
            self.engine,
            plugins=self._scheduled_plugins,
            run=self._run_task,
            replica=self.replica,
            tick_seconds=self.scheduler_tick_seconds,
        )
        await self._scheduler.start()

    async def _scheduled_plugins(self) -> list[ScheduledPlugin]:
        from subgraphs.plugins.tasks.scheduler import ScheduledPlugin, TaskSpec

        async with self.engine.connect() as conn:
            active = await registry.all_plugins(conn, "active")
        found = []
        for record_ in active:
            if self.processes.spec_of(record_.name) is None:
                continue  # another replica serves it
            tasks = record_.manifest.get("tasks") or []
            if not tasks:
                continue
            limits = record_.manifest.get("limits") or {}
            found.append(
                ScheduledPlugin(
                    name=record_.name,
                    tasks=tuple(TaskSpec(t["name"], t["cron"], t["function"]) for t in tasks),
                    cpu_seconds=int(limits.get("task_cpu_seconds") or 60),
                    activated_at=record_.activated_at or datetime.now(UTC),
                )
            )
        return found

    async def _run_task(self, plugin: str, task: TaskSpec, scheduled_for: datetime | None) -> Any:
        spec = self.processes.spec_of(plugin)
        if spec is None:
            raise PluginStateInvalid(f"plugin {plugin!r} is not served here")
        async with self.engine.connect() as conn:
            current = await registry.get(conn, plugin)
        cpu = int((current.manifest.get("limits") or {}).get("task_cpu_seconds") or 60)
        return await self.processes.action(
            spec,
            {"action": "task", "function": task.function, "cpu_seconds": cpu},
            seconds=cpu * 2 + 30,
        )

    async def run_task_now(self, plugin: str, task_name: str) -> Any:
        """Run one task at once (admin's "run now"; not recorded as a scheduled run)."""
        async with self.engine.connect() as conn:
            current = await registry.get(conn, plugin)
        for task in current.manifest.get("tasks") or []:
            if task["name"] == task_name:
                from subgraphs.plugins.tasks.scheduler import TaskSpec

                return await self._run_task(
                    plugin, TaskSpec(task["name"], task["cron"], task["function"]), None
                )
        raise PluginStateInvalid(f"plugin {plugin!r} has no task {task_name!r}")

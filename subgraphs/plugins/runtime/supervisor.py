"""The supervisor: keeps each active plugin's process running, restarting a crashed one with
exponential backoff, and gives up (calling `on_failed`) after too many crashes in a window."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from subgraphs.plugins.runtime.errors import PluginStartFailed
from subgraphs.plugins.runtime.process import PluginProcess
from subgraphs.plugins.runtime.spec import ProcessSpec

log = logging.getLogger("althaus.plugins.runtime")

OnFailed = Callable[[str, str], Awaitable[None] | None]


@dataclass(frozen=True)
class RestartPolicy:
    """Restart after `base_delay * 2**(n-1)` seconds (at most `max_delay`) for the n-th crash
    in the last `window` seconds; the `max_crashes`-th crash in the window is the last."""

    max_crashes: int = 5
    window: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 30.0
    ready_timeout: float = 20.0

    def delay(self, crashes: int) -> float:
        return float(min(self.base_delay * 2 ** max(crashes - 1, 0), self.max_delay))


@dataclass
class Supervised:
    spec: ProcessSpec
    process: PluginProcess
    state: str = "starting"  # starting | running | restarting | failed | stopped
    crashes: list[float] = field(default_factory=list)
    restarts: int = 0
    reason: str = ""
    task: asyncio.Task[None] | None = None
    sleeping: bool = False  # in the backoff pause: the only place its task may be cancelled


class Supervisor:
    """Starts plugins, watches them, restarts them; `on_failed(name, reason)` when it gives up."""

    def __init__(self, on_failed: OnFailed, policy: RestartPolicy | None = None) -> None:
        self.on_failed = on_failed
        self.policy = policy or RestartPolicy()
        self._plugins: dict[str, Supervised] = {}

    def get(self, name: str) -> Supervised | None:
        return self._plugins.get(name)

    async def start(self, spec: ProcessSpec) -> PluginProcess:
        """Start `spec`'s process and wait until it serves; raises PluginStartFailed if it does
        not (nothing is left running then). Afterwards it is watched and restarted."""
        await self.stop(spec.name)
        process = PluginProcess(spec)
        await process.start()
        try:
            await process.wait_ready(self.policy.ready_timeout)
        except PluginStartFailed:
            await process.stop()
            raise
        if process.protections.get("landlock") != "applied":
            # Recorded, not fatal: `althaus plugin doctor` explains what this machine lacks.
            log.warning(
                "plugin %s runs without Landlock: %s",
                spec.name,
                process.protections.get("landlock"),
            )
        entry = Supervised(spec=spec, process=process, state="running")
        entry.task = asyncio.create_task(self._watch(entry), name=f"supervise plugin_{spec.name}")
        self._plugins[spec.name] = entry
        return process

    async def _watch(self, entry: Supervised) -> None:
        while True:
            code = await entry.process.wait()
            if entry.state == "stopped":
                return
            now = time.monotonic()
            entry.crashes = [t for t in entry.crashes if now - t < self.policy.window] + [now]
            tail = entry.process.stderr_tail(200)
            entry.reason = f"exited with code {code}" + (f": {tail}" if tail else "")
            log.warning("plugin %s crashed (%s)", entry.spec.name, entry.reason)
            if len(entry.crashes) >= self.policy.max_crashes:
                entry.state = "failed"
                await entry.process.stop()
                reason = (
                    f"crashed {len(entry.crashes)} times in {self.policy.window:g} s; "
                    f"last: {entry.reason}"
                )
                result = self.on_failed(entry.spec.name, reason)
                if inspect.isawaitable(result):
                    await result
                return
            entry.state = "restarting"
            entry.sleeping = True
            try:
                await asyncio.sleep(self.policy.delay(len(entry.crashes)))
            finally:
                entry.sleeping = False
            if entry.state == "stopped":
                return
            entry.process = PluginProcess(entry.spec)
            entry.restarts += 1
            await entry.process.start()
            if entry.state == "stopped":  # stopped while spawning: end what was just started
                await entry.process.stop()
                return
            try:
                await entry.process.wait_ready(self.policy.ready_timeout)
            except PluginStartFailed as exc:
                log.warning("plugin %s restart failed: %s", entry.spec.name, exc.reason)
                await entry.process.stop()
                continue  # counted as the next crash by `wait()` returning at once
            entry.state = "running"

    async def stop(self, name: str) -> None:
        """Stop watching and stop the process (SIGTERM, then SIGKILL)."""
        entry = self._plugins.pop(name, None)
        if entry is None:
            return
        entry.state = "stopped"
        task = entry.task
        if task is not None and task is not asyncio.current_task():
            # Cancelled only while it sleeps: cancelling a spawn could orphan the new process.
            # Otherwise stopping its process wakes it, and it sees `stopped` and returns.
            if entry.sleeping:
                task.cancel()
            await entry.process.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await entry.process.stop()

    async def stop_all(self) -> None:
        for name in list(self._plugins):
            await self.stop(name)

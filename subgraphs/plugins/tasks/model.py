"""What the scheduler works on: the active plugins and their tasks, the runner, the claims."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from subgraphs.plugins.package.manifest import Manifest
from subgraphs.plugins.package.manifest import Task as TaskSpec

Runner = Callable[[str, TaskSpec, datetime], Awaitable[Any]]
"""Runs one task in its plugin's process: (plugin name, task, due time). Raises on failure; an
exception with `.timed_out = True` when the run went past its time limit."""


@dataclass(frozen=True)
class ScheduledPlugin:
    """An active plugin as the scheduler sees it: its tasks and limits."""

    name: str
    tasks: tuple[TaskSpec, ...]
    cpu_seconds: float
    """The manifest's `limits.task_cpu_seconds`: the time limit of one run."""
    activated_at: datetime
    """Due times before this minute are not run (aware)."""

    def __post_init__(self) -> None:
        if self.activated_at.utcoffset() is None:
            raise ValueError(f"activated_at of {self.name} must be an aware datetime")

    @classmethod
    def from_manifest(cls, manifest: Manifest, activated_at: datetime) -> ScheduledPlugin:
        return cls(
            name=manifest.name,
            tasks=manifest.tasks,
            cpu_seconds=manifest.limits.task_cpu_seconds,
            activated_at=activated_at,
        )

    @property
    def abandoned_after_seconds(self) -> float:
        """A run still `running` this long after it started is taken for abandoned."""
        return abandoned_after_seconds(self.cpu_seconds)

    @property
    def run_bound_seconds(self) -> float:
        """The scheduler's own bound on one run, should the runner not return by itself:
        shorter than `abandoned_after_seconds`, so no other replica reaps a live run."""
        return self.cpu_seconds * 2 + 30


@dataclass(frozen=True)
class TaskClaim:
    """A due time this replica claimed (its row inserted) and so runs."""

    run_id: int
    plugin: ScheduledPlugin
    task: TaskSpec
    scheduled_for: datetime


Due = tuple[ScheduledPlugin, TaskSpec, datetime]
"""A task of a plugin and the due time this replica is to claim for it."""


def abandoned_after_seconds(cpu_seconds: float) -> float:
    return cpu_seconds * 2 + 60

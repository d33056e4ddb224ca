"""Plugin tasks: when they are due, running each due time once across replicas, their runs."""

from __future__ import annotations

from subgraphs.plugins.tasks.errors import CronExpressionInvalid, CronNeverDue, TaskScheduleError
from subgraphs.plugins.tasks.model import ScheduledPlugin, TaskClaim, TaskSpec
from subgraphs.plugins.tasks.outcome import ABANDONED, error_line
from subgraphs.plugins.tasks.runs import RunStatus, TaskRun, last_runs, list_runs
from subgraphs.plugins.tasks.schedule import CronSchedule, next_due, parse_cron, previous_due
from subgraphs.plugins.tasks.scheduler import TaskScheduler

__all__ = [
    "ABANDONED",
    "CronExpressionInvalid",
    "CronNeverDue",
    "CronSchedule",
    "RunStatus",
    "ScheduledPlugin",
    "TaskClaim",
    "TaskRun",
    "TaskScheduleError",
    "TaskScheduler",
    "TaskSpec",
    "error_line",
    "last_runs",
    "list_runs",
    "next_due",
    "parse_cron",
    "previous_due",
]

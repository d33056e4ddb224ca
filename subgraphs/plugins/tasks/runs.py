"""Reading the recorded task runs of a plugin (`system.plugin_task_runs`), for status pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

RunStatus = Literal["running", "succeeded", "failed", "timed_out"]

_COLUMNS = (
    "id, plugin_name, task_name, scheduled_for, started_at, finished_at, status, duration_ms,"
    " error, replica"
)
_LIST = text(
    f"SELECT {_COLUMNS} FROM system.plugin_task_runs"
    " WHERE plugin_name = :plugin_name"
    " AND (CAST(:task_name AS text) IS NULL OR task_name = :task_name)"
    " ORDER BY scheduled_for DESC, id DESC LIMIT :limit"
)
_LAST = text(
    f"SELECT DISTINCT ON (task_name) {_COLUMNS} FROM system.plugin_task_runs"
    " WHERE plugin_name = :plugin_name"
    " ORDER BY task_name, scheduled_for DESC, id DESC"
)


@dataclass(frozen=True)
class TaskRun:
    """One row of `system.plugin_task_runs`: a due time of a task and how its run went."""

    id: int
    plugin_name: str
    task_name: str
    scheduled_for: datetime
    started_at: datetime
    finished_at: datetime | None
    status: RunStatus
    duration_ms: int | None
    error: str | None
    replica: str | None


async def list_runs(
    engine_or_conn: AsyncEngine | AsyncConnection,
    plugin_name: str,
    *,
    task_name: str | None = None,
    limit: int = 50,
) -> list[TaskRun]:
    """The plugin's runs (of one task when `task_name` is given), newest due time first."""
    rows = await _fetch(
        engine_or_conn,
        _LIST,
        {"plugin_name": plugin_name, "task_name": task_name, "limit": max(limit, 0)},
    )
    return [TaskRun(**row) for row in rows]


async def last_runs(
    engine_or_conn: AsyncEngine | AsyncConnection, plugin_name: str
) -> dict[str, TaskRun]:
    """The latest run of each task of the plugin that has run at all, by task name."""
    rows = await _fetch(engine_or_conn, _LAST, {"plugin_name": plugin_name})
    return {row["task_name"]: TaskRun(**row) for row in rows}


async def _fetch(
    engine_or_conn: AsyncEngine | AsyncConnection, query: Any, params: dict[str, Any]
) -> list[dict[str, Any]]:
    if isinstance(engine_or_conn, AsyncEngine):
        async with engine_or_conn.connect() as connection:
            result = await connection.execute(query, params)
            return [dict(row) for row in result.mappings()]
    result = await engine_or_conn.execute(query, params)
    return [dict(row) for row in result.mappings()]

"""The scheduler's writes to `system.plugin_task_runs`: claiming due times, recording outcomes,
reaping the runs of replicas that stopped. Each raises on a database failure; the scheduler
logs it and tries again at its next tick."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.plugins.tasks.model import Due, ScheduledPlugin, abandoned_after_seconds
from subgraphs.plugins.tasks.outcome import ABANDONED, RunResult

# task_cpu_seconds is at most 3600 (schema/plugin-manifest.schema.json): the longest a run of a
# plugin that is no longer active may have legitimately lasted.
_LONGEST_CPU_SECONDS = 3600

_CLAIM = text(
    "INSERT INTO system.plugin_task_runs (plugin_name, task_name, scheduled_for, replica)"
    " SELECT due.plugin_name, due.task_name, due.scheduled_for, :replica"
    " FROM unnest(CAST(:plugins AS text[]), CAST(:tasks AS text[]),"
    "   CAST(:dues AS timestamptz[])) AS due(plugin_name, task_name, scheduled_for)"
    # One order for every replica, so that two inserting the same rows never deadlock.
    " ORDER BY due.plugin_name, due.task_name"
    " ON CONFLICT (plugin_name, task_name, scheduled_for) DO NOTHING"
    " RETURNING id, plugin_name, task_name"
)

# finished_at from the row's own start and the measured duration: right even when recorded late.
_FINISH = text(
    "UPDATE system.plugin_task_runs SET status = :status, duration_ms = :duration_ms,"
    " error = :error, finished_at = started_at"
    " + make_interval(secs => CAST(:duration_ms AS integer) / 1000.0)"
    " WHERE id = :id"
)

_REAP = text(
    "UPDATE system.plugin_task_runs AS run"
    " SET status = 'failed', finished_at = now(), error = :error"
    " WHERE run.status = 'running' AND run.id <> ALL(CAST(:mine AS bigint[]))"
    " AND run.started_at < now() - make_interval(secs => coalesce("
    "   (SELECT limits.seconds"
    "    FROM unnest(CAST(:plugins AS text[]), CAST(:seconds AS float8[])) AS limits(name, seconds)"
    "    WHERE limits.name = run.plugin_name),"
    "   CAST(:fallback_seconds AS float8)))"
    " RETURNING run.id, run.plugin_name, run.task_name, run.scheduled_for, run.replica"
)


async def claim_due(
    engine: AsyncEngine, replica: str, due: Sequence[Due]
) -> dict[tuple[str, str], int]:
    """Insert a row for each due time, in one statement; the run id of each row this replica
    inserted, by (plugin, task). A due time another replica claimed first is left out."""
    async with engine.begin() as connection:
        result = await connection.execute(
            _CLAIM,
            {
                "replica": replica,
                "plugins": [plugin.name for plugin, _task, _when in due],
                "tasks": [task.name for _plugin, task, _when in due],
                "dues": [when for _plugin, _task, when in due],
            },
        )
        return {(row.plugin_name, row.task_name): row.id for row in result}


async def record_result(engine: AsyncEngine, result: RunResult) -> None:
    """Write how a run ended to its row."""
    async with engine.begin() as connection:
        await connection.execute(
            _FINISH,
            {
                "id": result.run_id,
                "status": result.status,
                "duration_ms": result.duration_ms,
                "error": result.error,
            },
        )


async def reap_abandoned(
    engine: AsyncEngine, mine: Sequence[int], plugins: Sequence[ScheduledPlugin]
) -> Sequence[Row[Any]]:
    """Mark `failed` the runs still `running` past their plugin's abandoned limit, but for
    `mine` (the runs in progress on this replica); the rows marked."""
    async with engine.begin() as connection:
        result = await connection.execute(
            _REAP,
            {
                "error": ABANDONED,
                "mine": list(mine),
                "plugins": [plugin.name for plugin in plugins],
                "seconds": [plugin.abandoned_after_seconds for plugin in plugins],
                "fallback_seconds": abandoned_after_seconds(_LONGEST_CPU_SECONDS),
            },
        )
        return result.all()

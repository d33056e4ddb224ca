"""The statement watchdog: ends a plugin's sessions that run or sit in a transaction too long.

The role's `statement_timeout` and `idle_in_transaction_session_timeout` are only defaults a
plugin can `SET` away in its session; this check, run from outside by the platform, cannot be.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.plugins.engine.identifiers import role_name
from subgraphs.plugins.engine.postgres_errors import database_errors

_OVERDUE = text(
    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity"
    " WHERE usename = :role AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    " AND ((state IN ('active', 'fastpath function call')"
    "   AND query_start < clock_timestamp() - make_interval(secs => :statement_s))"
    "  OR (state IN ('idle in transaction', 'idle in transaction (aborted)')"
    "   AND state_change < clock_timestamp() - make_interval(secs => :idle_s)))"
)


async def enforce_limits(
    admin_engine: AsyncEngine,
    name: str,
    statement_timeout_ms: int,
    *,
    idle_in_transaction_timeout_ms: int | None = None,
) -> int:
    """Terminate the plugin's sessions whose current statement has run longer than
    `statement_timeout_ms`, or that have sat idle in a transaction longer than
    `idle_in_transaction_timeout_ms` (default: the statement limit). Returns how many."""
    async with database_errors(name, "enforcing statement limits"):
        return await _enforce_limits(
            admin_engine,
            name,
            statement_timeout_ms,
            idle_in_transaction_timeout_ms=idle_in_transaction_timeout_ms,
        )


async def _enforce_limits(
    admin_engine: AsyncEngine,
    name: str,
    statement_timeout_ms: int,
    *,
    idle_in_transaction_timeout_ms: int | None = None,
) -> int:
    idle_ms = idle_in_transaction_timeout_ms or statement_timeout_ms
    async with admin_engine.connect() as connection:
        overdue = await connection.execute(
            _OVERDUE,
            {
                "role": role_name(name),
                "statement_s": statement_timeout_ms / 1000.0,
                "idle_s": idle_ms / 1000.0,
            },
        )
        terminated = int(overdue.scalar_one())
        await connection.commit()
    return terminated

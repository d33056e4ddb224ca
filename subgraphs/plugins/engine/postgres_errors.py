"""One line saying why a database call failed: the Postgres message, not a driver's stack."""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import DBAPIError

from subgraphs.plugins.engine.errors import PluginEngineError


def postgres_error(exc: BaseException) -> asyncpg.PostgresError | None:
    """The asyncpg error behind `exc` (SQLAlchemy wraps it twice), if there is one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, asyncpg.PostgresError):
            return current
        if isinstance(current, DBAPIError) and current.orig is not None:
            current = current.orig
        else:
            current = current.__cause__ or current.__context__
    return None


def describe(exc: BaseException) -> str:
    if isinstance(exc, PluginEngineError):
        return exc.message
    found = postgres_error(exc)
    if found is not None:
        detail = getattr(found, "detail", None)
        message = f"{found.message} (SQLSTATE {found.sqlstate})"
        return f"{message}; {detail}" if detail else message
    return str(exc) or type(exc).__name__

"""One line saying why a database call failed: the Postgres message, not a driver's stack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from subgraphs.plugins.engine.errors import PluginDatabaseError, PluginEngineError


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


@asynccontextmanager
async def database_errors(name: str, action: str) -> AsyncIterator[None]:
    """Database failures inside as PluginDatabaseError (engine errors pass unchanged)."""
    try:
        yield
    except PluginEngineError:
        raise
    except (SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        raise PluginDatabaseError(name, action, describe(exc)) from exc

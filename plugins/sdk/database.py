"""How the runner logs in to Postgres as the plugin's own role."""

from __future__ import annotations

import asyncpg


class PluginConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled connection of a plugin's role, which may not call pg_advisory_unlock_all (the
    engine revokes advisory locks from plugin roles): released without it."""

    def get_reset_query(self) -> str:
        return "CLOSE ALL;\nUNLISTEN *;\nRESET ALL;"


def libpq_url(url: str) -> str:
    """`postgresql+asyncpg://...` (SQLAlchemy's form) -> `postgresql://...` (asyncpg's)."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql://{rest}" if sep and scheme.startswith("postgres") else url

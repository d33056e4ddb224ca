"""Reading a platform setting (`system.system_settings`) from any subgraph, with its default."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.tables import system_settings


async def read_setting(session: AsyncSession, key: str, default: Any) -> Any:
    """The stored value of `key`, or `default` when it was never set."""
    value = await session.scalar(
        select(system_settings.c.value).where(system_settings.c.key == key)
    )
    return default if value is None else value

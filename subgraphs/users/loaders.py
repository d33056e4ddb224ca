"""DataLoaders of the users subgraph: one SQL query per level, whatever the number of items."""

from __future__ import annotations

import uuid
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import select

from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.tables import users


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def user_loader(context: SubgraphContext) -> DataLoader[str, Any]:
    """Users by id (string); an unknown or malformed id loads None."""
    loader = context.loaders.get("user")
    if loader is None:

        async def batch(ids: list[str]) -> list[Any]:
            wanted = {u for u in (_uuid_or_none(i) for i in ids) if u is not None}
            rows: dict[str, Any] = {}
            if wanted:
                async with context.db() as session:
                    result = await session.execute(select(users).where(users.c.id.in_(wanted)))
                    rows = {str(row.id): row for row in result}
            return [rows.get(str(_uuid_or_none(i))) for i in ids]

        loader = DataLoader(batch)
        context.loaders["user"] = loader
    return loader

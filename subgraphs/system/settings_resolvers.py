"""Resolvers for platform settings: list, read one, update (validated, audited, cache dropped)."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from subgraphs.kit import audit
from subgraphs.kit.context import SubgraphContext
from subgraphs.system import store
from subgraphs.system.registry import REGISTRY, SettingDefinition, definition_of
from subgraphs.system.types import Setting, User

Ctx = Info[SubgraphContext, None]


def _setting(definition: SettingDefinition, stored: store.StoredSetting | None) -> Setting:
    return Setting(
        key=definition.key,
        value=definition.default if stored is None else stored.value,
        default_value=definition.default,
        description=definition.description,
        json_schema=cast(JSON, definition.schema),
        is_default=stored is None,
        updated_at=None if stored is None else stored.updated_at,
        updated_by=None
        if stored is None or stored.updated_by is None
        else User(id=strawberry.ID(stored.updated_by)),
    )


async def _stored(context: SubgraphContext) -> dict[str, store.StoredSetting]:
    async with context.db() as session:
        return await store.load(session, context.redis, context.settings.redis_prefix)


async def settings(info: Ctx) -> list[Setting]:
    stored = await _stored(info.context)
    return [_setting(d, stored.get(key)) for key, d in sorted(REGISTRY.items())]


async def setting(info: Ctx, key: str) -> Setting:
    definition = definition_of(key)
    stored = await _stored(info.context)
    return _setting(definition, stored.get(key))


async def update_setting(info: Ctx, key: str, value: JSON) -> Setting:
    context = info.context
    definition = definition_of(key)
    definition.validate(value)
    actor = context.principal.sub
    async with context.db() as session:
        previous = await store.load(session, context.redis, context.settings.redis_prefix)
        old: Any = previous[key].value if key in previous else definition.default
        saved = await store.save(session, key, value, actor)
        await audit.record(session, "setting.update", "setting", key, {"from": old, "to": value})
    redis, prefix = context.redis, context.settings.redis_prefix
    context.after_commit(lambda: store.invalidate(redis, prefix))
    return _setting(definition, saved)

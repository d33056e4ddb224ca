"""The supergraph's one source of truth: compose once, store a numbered version, announce it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine

from core import supergraph_versions as versions
from core.config import Settings
from core.supergraph_versions import SupergraphVersion
from subgraphs.plugins.engine.audit import Actor
from subgraphs.plugins.engine.errors import PluginEngineError
from supergraph.compose import CompositionError, SubgraphDefinition, compose

log = logging.getLogger(__name__)


class SupergraphCompositionFailed(PluginEngineError):
    """The subgraphs do not compose; nothing was stored and the current version keeps serving."""

    code = "SUPERGRAPH_COMPOSITION_FAILED"

    def __init__(self, errors: list[CompositionError]) -> None:
        listed = "; ".join(f"[{e.code}] {e.message}" for e in errors) or "no reason given"
        super().__init__(
            f"the supergraph does not compose, so nothing was stored and the current version "
            f"keeps serving: {listed}"
        )
        self.errors = tuple(errors)


class SupergraphVersionNotFound(PluginEngineError):
    code = "SUPERGRAPH_VERSION_NOT_FOUND"

    def __init__(self, version: int) -> None:
        super().__init__(
            f"there is no stored supergraph version {version}; see supergraphVersions for the "
            "versions that exist"
        )
        self.version = version


async def compose_and_store(
    engine: AsyncEngine,
    redis: aioredis.Redis,
    settings: Settings,
    subgraphs: list[SubgraphDefinition],
    *,
    actor: Actor | None,
    reason: str,
) -> SupergraphVersion:
    """Compose `subgraphs` once; store the result as a new version (audited) and announce it.

    Raises SupergraphCompositionFailed (with the coded composition errors) and stores nothing
    when they do not compose.
    """
    # Composition is pure CPU work; keep it off the event loop.
    result = await asyncio.to_thread(compose, list(subgraphs))
    if result.supergraph_sdl is None:
        raise SupergraphCompositionFailed(result.errors)
    urls = {definition.name: definition.url for definition in subgraphs}
    return await _store_and_announce(
        engine, redis, settings, result.supergraph_sdl, urls, actor=actor, reason=reason
    )


async def rollback(
    engine: AsyncEngine,
    redis: aioredis.Redis,
    settings: Settings,
    version: int,
    *,
    actor: Actor | None,
) -> SupergraphVersion:
    """Store a NEW version with version `version`'s SDL and subgraphs, and announce it."""
    async with engine.connect() as conn:
        old = await versions.get(conn, version)
    if old is None:
        raise SupergraphVersionNotFound(version)
    return await _store_and_announce(
        engine,
        redis,
        settings,
        old.sdl,
        old.subgraphs,
        actor=actor,
        reason=f"rollback to version {old.version}",
    )


async def _store_and_announce(
    engine: AsyncEngine,
    redis: aioredis.Redis,
    settings: Settings,
    sdl: str,
    urls: Mapping[str, str],
    *,
    actor: Actor | None,
    reason: str,
) -> SupergraphVersion:
    who = actor or Actor()
    async with engine.begin() as conn:
        stored = await versions.store(
            conn,
            sdl,
            urls,
            created_by=who.user_id,
            reason=reason,
            ip=who.ip,
            request_id=who.request_id,
        )
    # Stored and committed: a failed announcement is not fatal, the gateways' poll finds it.
    try:
        await versions.announce(redis, settings, stored)
    except Exception as exc:  # Redis down must not undo a committed version
        log.warning(
            "supergraph version stored but not announced; gateways will find it by polling",
            extra={"context": {"version": stored.version, "error": str(exc)}},
        )
    return stored

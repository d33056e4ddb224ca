"""The supergraph of the core subgraphs and the plugins served here: composed, stored, announced.

Composition runs off the event loop; a change that does not compose yields its coded errors
(`{"code", "message"}` dicts, kept in a failed plugin's `error`). A stored version is announced
to every gateway once its transaction has committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core import supergraph_versions as versions
from core.config import Settings
from core.supergraph_versions import SupergraphVersion
from subgraphs.plugins.engine import Actor
from subgraphs.plugins.lifecycle import settings as plugin_settings
from subgraphs.plugins.lifecycle.errors import PluginCompositionFailed, reason_of
from subgraphs.plugins.lifecycle.processes import PluginProcesses
from subgraphs.plugins.runtime.actions import PluginActionFailed
from supergraph.compose import CompositionError, SubgraphDefinition, compose

log = logging.getLogger(__name__)

CoreSubgraphs = Callable[[], Awaitable[list[SubgraphDefinition]]]
"""The core subgraphs' definitions (name, URL, SDL), for composing with the plugins."""

Replacements = Mapping[str, tuple[str, str] | None]
"""Plugin name -> (URL, SDL) to compose with instead of what serves now, or None to leave out."""

SameTransaction = Callable[[AsyncConnection, SupergraphVersion], Awaitable[None]]
"""Writes that commit with a stored version, or not at all (a plugin's status, its audit row)."""

SDL_SECONDS = 30.0


@dataclass(frozen=True)
class Composed:
    """A supergraph that composed, and the URL of each subgraph in it."""

    sdl: str
    urls: dict[str, str]


def error_dicts(errors: Sequence[CompositionError]) -> list[dict[str, Any]]:
    return [{"code": e.code, "message": e.message} for e in errors]


def listed(errors: Sequence[Mapping[str, Any]]) -> str:
    """Coded errors on one line, for a refusal's message."""
    return "; ".join(f"[{e['code']}] {e['message']}" for e in errors)


class Composition:
    """Composes with the core subgraphs and the plugins `processes` serves; stores versions."""

    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        redis: aioredis.Redis,
        core_subgraphs: CoreSubgraphs,
        processes: PluginProcesses,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.redis = redis
        self.core_subgraphs = core_subgraphs
        self.processes = processes

    async def definitions(self, replace: Replacements | None = None) -> list[SubgraphDefinition]:
        """Core subgraphs plus every plugin served here, with `replace` applied."""
        definitions = list(await self.core_subgraphs())
        plugins = self.processes.serving()
        for name, value in (replace or {}).items():
            if value is None:
                plugins.pop(name, None)
            else:
                plugins[name] = value
        for name in sorted(plugins):
            url, sdl = plugins[name]
            definitions.append(SubgraphDefinition(f"plugin_{name}", url, sdl))
        return definitions

    async def compose(self, replace: Replacements | None = None) -> Composed | list[dict[str, Any]]:
        """The supergraph with `replace` applied, or its composition errors."""
        definitions = await self.definitions(replace)
        result = await asyncio.to_thread(compose, definitions)
        if result.supergraph_sdl is None:
            return error_dicts(result.errors)
        return Composed(result.supergraph_sdl, {d.name: d.url for d in definitions})

    async def dry_run(self, name: str, folder: Path, manifest: Mapping[str, Any]) -> None:
        """Compose the supergraph with the package's schema (its SDL from a one-shot run of
        the plugin's own code, sandboxed); PluginCompositionFailed when it does not."""
        spec = self.processes.spec(
            name, folder, manifest, plugin_settings.defaults(manifest), with_database=False
        )
        try:
            sdl = await self.processes.action(spec, {"action": "sdl"}, SDL_SECONDS)
        except PluginActionFailed as exc:
            raise PluginCompositionFailed(
                name, [{"code": "PLUGIN_SDL_UNAVAILABLE", "message": reason_of(exc)}]
            ) from None
        outcome = await self.compose({name: (self.processes.url_of(spec), str(sdl))})
        if isinstance(outcome, list):
            raise PluginCompositionFailed(name, outcome)

    async def store(
        self,
        composed: Composed,
        *,
        actor: Actor | None,
        reason: str,
        with_version: SameTransaction | None = None,
    ) -> SupergraphVersion:
        """Store a new version (the caller audits the change), then announce it."""
        async with self.engine.begin() as conn:
            stored = await versions.store(
                conn,
                composed.sdl,
                composed.urls,
                created_by=actor.user_id if actor else None,
                reason=reason,
                audit=False,
            )
            if with_version is not None:
                await with_version(conn, stored)
        await self._announce(stored)
        return stored

    async def store_if_changed(self, reason: str) -> SupergraphVersion | None:
        """Store (audited) and announce the supergraph of what serves now, unless the newest
        stored version is that one already or it does not compose."""
        outcome = await self.compose()
        if isinstance(outcome, list):
            log.warning(
                "the serving subgraphs do not compose; the stored supergraph is kept",
                extra={"context": {"errors": outcome}},
            )
            return None
        async with self.engine.connect() as conn:
            latest = await versions.latest(conn)
        if (
            latest is not None
            and latest.hash == versions.sdl_hash(outcome.sdl)
            and dict(latest.subgraphs) == outcome.urls
        ):
            return None
        async with self.engine.begin() as conn:
            stored = await versions.store(
                conn, outcome.sdl, outcome.urls, created_by=None, reason=reason
            )
        await self._announce(stored)
        return stored

    async def _announce(self, stored: SupergraphVersion) -> None:
        try:
            await versions.announce(self.redis, self.settings, stored)
        except Exception as exc:  # stored and committed: the gateways' poll finds it
            log.warning(
                "supergraph version stored but not announced; gateways will find it by polling",
                extra={"context": {"version": stored.version, "error": reason_of(exc)}},
            )

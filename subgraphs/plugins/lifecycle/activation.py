"""Putting a plugin into the supergraph and taking it out: activation and deactivation.

Each stores a new supergraph version in the same transaction as the plugin's status and audit
row, then announces it. A plugin whose process does not start, whose hook fails or whose schema
does not compose is left `failed` with the reason; the old supergraph keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.supergraph_versions import SupergraphVersion
from subgraphs.plugins.engine import Actor, set_login
from subgraphs.plugins.engine.audit import record
from subgraphs.plugins.lifecycle import registry
from subgraphs.plugins.lifecycle.composition import Composition, listed
from subgraphs.plugins.lifecycle.errors import (
    PluginActivationFailed,
    PluginStateInvalid,
    reason_of,
)
from subgraphs.plugins.lifecycle.processes import PluginProcesses
from subgraphs.plugins.lifecycle.progress import Progress
from subgraphs.plugins.lifecycle.registry import PluginRecord
from subgraphs.plugins.runtime import PluginRuntimeError
from subgraphs.plugins.runtime.actions import PluginActionFailed

log = logging.getLogger(__name__)


class Activation:
    """Activates and deactivates plugins; the caller holds the host's lock."""

    def __init__(
        self,
        engine: AsyncEngine,
        processes: PluginProcesses,
        composition: Composition,
        *,
        drain_seconds: float,
    ) -> None:
        self.engine = engine
        self.processes = processes
        self.composition = composition
        self.drain_seconds = drain_seconds

    async def activate(self, name: str, actor: Actor | None, progress: Progress) -> PluginRecord:
        async with self.engine.connect() as conn:
            current = await registry.get(conn, name)
        if current.status == "active" and name in self.processes.serving():
            raise PluginStateInvalid(f"plugin {name!r} is already active")
        progress("starting the plugin's process")
        try:
            spec, sdl = await self.processes.start(current)
            progress("running the activate hook")
            await self.processes.action(spec, {"action": "hook", "hook": "activate"})
        except (PluginRuntimeError, PluginActionFailed, OSError) as exc:
            await self.processes.stop(name)
            error = {
                "code": getattr(exc, "code", "PLUGIN_START_FAILED"),
                "message": reason_of(exc),
            }
            await self._mark_failed(name, error, actor)
            raise PluginActivationFailed(name, reason_of(exc)) from None
        progress("composing the supergraph")
        outcome = await self.composition.compose({name: (self.processes.url_of(spec), sdl)})
        if isinstance(outcome, list):
            await self.processes.stop(name)
            error = {
                "code": "SUPERGRAPH_COMPOSITION_FAILED",
                "message": "the plugin's schema does not compose with the supergraph",
                "errors": outcome,
            }
            await self._mark_failed(name, error, actor)
            raise PluginActivationFailed(
                name,
                "its schema does not compose with the supergraph: " + listed(outcome),
                outcome,
            )

        async def mark_active(conn: AsyncConnection, stored: SupergraphVersion) -> None:
            await registry.set_status(conn, name, "active", error=None, activated=True)
            await record(
                conn,
                "plugin.activate",
                name,
                actor,
                {"version": current.version, "supergraph_version": stored.version},
            )

        progress("storing the new supergraph version")
        stored = await self.composition.store(
            outcome, actor=actor, reason=f"activate plugin {name}", with_version=mark_active
        )
        progress(f"active: supergraph version {stored.version}")
        async with self.engine.connect() as conn:
            return await registry.get(conn, name)

    async def _mark_failed(self, name: str, error: Mapping[str, Any], actor: Actor | None) -> None:
        with contextlib.suppress(Exception):
            await set_login(self.engine, name, False)
        async with self.engine.begin() as conn:
            await registry.set_status(conn, name, "failed", error=error)
            await record(conn, "plugin.activate.failed", name, actor, {"error": dict(error)})

    async def deactivate(
        self,
        name: str,
        actor: Actor | None,
        progress: Progress,
        *,
        failure: Mapping[str, Any] | None = None,
    ) -> PluginRecord:
        """As `PluginHost.deactivate`, for a caller that already holds the host's lock."""
        async with self.engine.connect() as conn:
            current = await registry.get(conn, name)
        if current.status != "active" and failure is None and name not in self.processes.serving():
            raise PluginStateInvalid(f"plugin {name!r} is not active (it is {current.status})")
        progress("composing the supergraph without the plugin")
        outcome = await self.composition.compose({name: None})
        if isinstance(outcome, list):
            raise PluginStateInvalid(
                "the supergraph does not compose without the plugin: " + listed(outcome)
            )

        async def mark_stopped(conn: AsyncConnection, stored: SupergraphVersion) -> None:
            status = "failed" if failure is not None else "inactive"
            action = "plugin.crashed" if failure is not None else "plugin.deactivate"
            await registry.set_status(conn, name, status, error=failure)
            details: dict[str, Any] = {"supergraph_version": stored.version}
            if failure is not None:
                details["error"] = dict(failure)
            await record(conn, action, name, actor, details)

        stored = await self.composition.store(
            outcome,
            actor=actor,
            reason=f"{'crashed' if failure else 'deactivate'} plugin {name}",
            with_version=mark_stopped,
        )
        progress(f"removed from the supergraph (version {stored.version}); draining")
        await asyncio.sleep(self.drain_seconds)
        spec = self.processes.spec_of(name)
        if spec is not None and failure is None:
            progress("running the deactivate hook")
            try:
                await self.processes.action(spec, {"action": "hook", "hook": "deactivate"})
            except PluginActionFailed as exc:  # logged; the plugin is off all the same
                log.warning(
                    "deactivate hook failed",
                    extra={"context": {"plugin": name, "error": reason_of(exc)}},
                )
        progress("stopping the plugin's process")
        await self.processes.stop(name)
        await set_login(self.engine, name, False)
        async with self.engine.connect() as conn:
            return await registry.get(conn, name)

"""The plugin host: the lifecycle of every plugin, its processes, the supergraph they make.

One `PluginHost` runs in each process that serves the plugins subgraph (`althaus dev`, or
`althaus serve plugins`). It verifies and keeps uploaded archives, installs, activates,
deactivates, updates and uninstalls plugins (each change audited), runs each active plugin's
process under a `Supervisor`, composes the supergraph once per change and stores it as a new
numbered version (announced to every gateway), holds plugins to their database limits with a
watchdog, and runs their scheduled tasks.

The host ties the pieces together under one lock: `packages` (kept archives), `processes`
(the plugins' processes and one-shot runs), `composition` (the supergraph versions), `upkeep`
(watchdog and tasks), `activation` and `updates`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core import channels
from core.config import Settings
from core.supergraph_versions import SupergraphVersion
from subgraphs.plugins.engine import (
    Actor,
    Plugin,
    PluginNotInstalled,
    install,
    set_login,
    uninstall,
)
from subgraphs.plugins.engine.audit import record
from subgraphs.plugins.engine.supergraph import rollback as rollback_version
from subgraphs.plugins.lifecycle import registry
from subgraphs.plugins.lifecycle import settings as plugin_settings
from subgraphs.plugins.lifecycle.activation import Activation
from subgraphs.plugins.lifecycle.composition import Composition, CoreSubgraphs
from subgraphs.plugins.lifecycle.errors import PluginStateInvalid, reason_of
from subgraphs.plugins.lifecycle.packages import Packages, Uploaded
from subgraphs.plugins.lifecycle.processes import PluginProcesses
from subgraphs.plugins.lifecycle.progress import Progress, quiet
from subgraphs.plugins.lifecycle.registry import PluginRecord
from subgraphs.plugins.lifecycle.update import Updates
from subgraphs.plugins.lifecycle.upkeep import Upkeep
from subgraphs.plugins.relay import PluginRelay
from subgraphs.plugins.runtime import RestartPolicy
from subgraphs.plugins.runtime.actions import PluginActionFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HostOptions:
    """Tunables of a host; the defaults suit production."""

    watchdog_seconds: float = 5.0
    drain_seconds: float = 2.0
    restart: RestartPolicy = field(default_factory=RestartPolicy)
    run_scheduler: bool = True
    scheduler_tick_seconds: float = 15.0
    relay_base_url: str | None = None
    """Where gateways reach this host's plugins. None (`althaus dev`, gateway and plugins in one
    process): the stored versions name each plugin's Unix socket, the fastest way there. A URL
    (`althaus serve plugins`: this plugins subgraph's base URL, as gateways reach it): they name
    its plugin relay, `<relay_base_url>/plugins/<name>/graphql`, so that gateways on other
    machines reach the plugins too."""


class PluginHost:
    """Every plugin's lifecycle in this process; one change at a time."""

    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        redis: aioredis.Redis,
        core_subgraphs: CoreSubgraphs,
        *,
        options: HostOptions | None = None,
    ) -> None:
        if not settings.internal_token_secret or not settings.database_url:
            raise ValueError("the plugin host needs resolved settings (database URL, secret)")
        self.settings = settings
        self.engine = engine
        self.redis = redis
        self.core_subgraphs = core_subgraphs
        self.options = options or HostOptions()
        self.secret: str = settings.internal_token_secret
        self.database_url: str = settings.database_url
        root = Path(settings.data_dir).resolve() / "plugins"
        self.packages_dir = root / "packages"
        self.run_dir = root / "run"
        self.replica = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        # Plugins call the API back through the gateway of this machine (DESIGN.md: port 4000).
        self.gateway_url = f"http://127.0.0.1:{settings.port}/graphql"
        self.packages = Packages(engine, self.packages_dir, is_development=settings.is_development)
        # Served at /plugins/<name>/<path> by the plugins subgraph app; a plugin's pooled client
        # is closed when its process stops.
        self.relay = PluginRelay(lambda name: self.processes.socket_of(name))
        self.processes = PluginProcesses(
            engine,
            self.packages,
            self.run_dir,
            secret=self.secret,
            database_url=self.database_url,
            gateway_url=self.gateway_url,
            policy=self.options.restart,
            on_crash_loop=self._on_crash_loop,
            relay_base_url=self.options.relay_base_url,
            on_stopped=self.relay.forget,
        )
        self.supervisor = self.processes.supervisor
        self.composition = Composition(settings, engine, redis, core_subgraphs, self.processes)
        self.upkeep = Upkeep(
            engine,
            self.processes,
            replica=self.replica,
            watchdog_seconds=self.options.watchdog_seconds,
            scheduler_tick_seconds=self.options.scheduler_tick_seconds,
        )
        self.activation = Activation(
            engine, self.processes, self.composition, drain_seconds=self.options.drain_seconds
        )
        self.updates = Updates(
            engine,
            self.packages,
            self.processes,
            self.composition,
            self.activation.deactivate,
            secret=self.secret,
        )
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self.started = asyncio.Event()

    # -- start and stop ------------------------------------------------------------------

    async def start(self) -> None:
        """Bring active plugins back in the background, then keep them to their limits."""
        if self._tasks:
            return
        self._tasks = [asyncio.create_task(self._reconcile(), name="plugin-host-reconcile")]
        await self.upkeep.start(scheduler=self.options.run_scheduler)

    async def close(self) -> None:
        tasks, self._tasks = self._tasks, []
        await channels.cancel(tasks)
        await self.upkeep.close()
        await self.processes.stop_all()
        await self.relay.close()

    async def _reconcile(self) -> None:
        """Start the processes of plugins marked active, then make sure the stored supergraph
        is the one of the subgraphs now serving (after a restart or a code change)."""
        try:
            async with self._lock:
                async with self.engine.connect() as conn:
                    active = await registry.all_plugins(conn, "active")
                for record_ in active:
                    try:
                        await self.processes.start(record_)
                    except Exception as exc:
                        log.warning(
                            "plugin not restarted at start",
                            extra={"context": {"plugin": record_.name, "error": reason_of(exc)}},
                        )
                        async with self.engine.begin() as conn:
                            await registry.set_status(
                                conn,
                                record_.name,
                                "failed",
                                error={"code": "PLUGIN_START_FAILED", "message": reason_of(exc)},
                            )
                await self.composition.store_if_changed("engine start")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(
                "plugins not reconciled at start", extra={"context": {"error": reason_of(exc)}}
            )
        finally:
            self.started.set()

    # -- what serves ---------------------------------------------------------------------

    def serving(self) -> dict[str, tuple[str, str]]:
        """Plugins whose process this host runs: name -> (URL, SDL)."""
        return self.processes.serving()

    def health(self, name: str) -> dict[str, Any]:
        return self.processes.health(name)

    def last_errors(self, name: str) -> list[str]:
        return self.processes.last_errors(name)

    async def dry_run(self, name: str, folder: Path, manifest: Mapping[str, Any]) -> None:
        """PluginCompositionFailed unless the package's schema composes (`Composition.dry_run`)."""
        await self.composition.dry_run(name, folder, manifest)

    async def run_task_now(self, plugin: str, task_name: str) -> Any:
        """Run one task at once (admin's "run now"; not recorded as a scheduled run)."""
        return await self.upkeep.run_task_now(plugin, task_name)

    # -- lifecycle -----------------------------------------------------------------------

    async def upload(
        self, data: bytes, actor: Actor | None = None, *, allow_unsigned: bool = False
    ) -> Uploaded:
        """Verify an archive and keep it; nothing else changes (`Packages.upload`)."""
        return await self.packages.upload(data, actor, allow_unsigned=allow_unsigned)

    async def install(
        self, checksum: str, actor: Actor | None = None, progress: Progress = quiet
    ) -> PluginRecord:
        async with self._lock:
            progress("checking the kept archive again (trust may have changed since the upload)")
            verified, folder = await self.packages.unpacked(checksum)
            name = verified.manifest.name
            async with self.engine.connect() as conn:
                if await registry.find(conn, name) is not None:
                    raise PluginStateInvalid(
                        f"plugin {name!r} is already installed; update it instead"
                    )
            progress("composing the supergraph with the plugin's schema (dry run)")
            await self.dry_run(name, folder, verified.manifest.to_json())
            plugin = Plugin.from_verified(verified)
            manifest = verified.manifest.to_json()

            async def install_hook(login: str) -> None:
                spec = self.processes.spec(
                    name, folder, manifest, plugin_settings.defaults(manifest)
                )
                try:
                    await self.processes.action(spec, {"action": "hook", "hook": "install"})
                except PluginActionFailed as exc:
                    raise RuntimeError(f"the install hook failed: {reason_of(exc)}") from None

            await install(
                self.engine,
                self.database_url,
                plugin,
                secret=self.secret,
                progress=progress,
                on_installed=install_hook,
                actor=actor,
            )
            # Installed, not serving: its login waits for activation.
            await set_login(self.engine, name, False)
            async with self.engine.connect() as conn:
                return await registry.get(conn, name)

    async def activate(
        self, name: str, actor: Actor | None = None, progress: Progress = quiet
    ) -> PluginRecord:
        async with self._lock:
            return await self.activation.activate(name, actor, progress)

    async def deactivate(
        self,
        name: str,
        actor: Actor | None = None,
        progress: Progress = quiet,
        *,
        failure: Mapping[str, Any] | None = None,
    ) -> PluginRecord:
        """Remove the plugin from the supergraph (a new version), let running requests finish,
        run its deactivate hook, stop its process and disable its login; its data stays. With
        `failure` (a crash loop) the plugin ends `failed` with that error instead of inactive."""
        async with self._lock:
            return await self.activation.deactivate(name, actor, progress, failure=failure)

    async def _on_crash_loop(self, name: str, reason: str) -> None:
        log.error("plugin deactivated after repeated crashes", extra={"context": {"plugin": name}})
        try:
            await self.deactivate(
                name, None, failure={"code": "PLUGIN_CRASH_LOOP", "message": reason}
            )
        except Exception as exc:
            log.error(
                "plugin could not be deactivated after its crashes",
                extra={"context": {"plugin": name, "error": reason_of(exc)}},
            )

    async def uninstall(
        self,
        name: str,
        keep_data: bool = False,
        actor: Actor | None = None,
        progress: Progress = quiet,
    ) -> None:
        async with self._lock:
            async with self.engine.connect() as conn:
                current = await registry.find(conn, name)
            if current is not None and (current.status == "active" or name in self.serving()):
                await self.activation.deactivate(name, actor, progress)
            if current is not None and current.checksum:
                progress("running the uninstall hook")
                try:
                    folder = await self.packages.folder_of(current)
                    await set_login(self.engine, name, True)
                    await self.processes.hook(current, folder, "uninstall", keep_data=keep_data)
                except Exception as exc:  # the hook cannot keep an admin from removing it
                    log.warning(
                        "uninstall hook failed; uninstalling all the same",
                        extra={"context": {"plugin": name, "error": reason_of(exc)}},
                    )
            progress("keeping the data" if keep_data else "dropping the schema and the role")
            await uninstall(self.engine, name, keep_data=keep_data, actor=actor)
            if not keep_data:
                async with self.engine.begin() as conn:
                    await plugin_settings.forget(conn, name)
                await self.packages.forget(name)
            progress("uninstalled")

    async def update(
        self, checksum: str, actor: Actor | None = None, progress: Progress = quiet
    ) -> PluginRecord:
        async with self._lock:
            return await self.updates.apply(checksum, actor, progress)

    async def update_settings(
        self, name: str, changes: Mapping[str, Any], actor: Actor | None = None
    ) -> dict[str, Any]:
        """Validate and store settings (audited); an active plugin restarts to receive them."""
        async with self._lock:
            async with self.engine.begin() as conn:
                current = await registry.get(conn, name)
                merged = await plugin_settings.replace(
                    conn, name, current.manifest, changes, actor.user_id if actor else None
                )
                await record(conn, "plugin.settings.update", name, actor, {"keys": sorted(changes)})
            if name in self.serving():
                await self.processes.start(current)
            return merged

    async def rollback(self, version: int, actor: Actor | None = None) -> SupergraphVersion:
        """Serve an earlier version again (stored as a new version, audited)."""
        async with self._lock:
            return await rollback_version(
                self.engine, self.redis, self.settings, version, actor=actor
            )


async def plugin_records(conn: AsyncConnection) -> list[PluginRecord]:
    return await registry.all_plugins(conn)


__all__ = [
    "CoreSubgraphs",
    "HostOptions",
    "PluginHost",
    "PluginNotInstalled",
    "Progress",
    "Uploaded",
    "plugin_records",
]

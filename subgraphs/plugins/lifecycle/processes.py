"""The processes of the plugins a host serves: their specs, gateway keys and one-shot runs."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.plugins.engine import Limits, restore_role, role_url, set_login
from subgraphs.plugins.lifecycle import gateway_keys
from subgraphs.plugins.lifecycle import settings as plugin_settings
from subgraphs.plugins.lifecycle.errors import reason_of
from subgraphs.plugins.lifecycle.packages import Packages
from subgraphs.plugins.lifecycle.registry import PluginRecord
from subgraphs.plugins.relay import relay_url
from subgraphs.plugins.runtime import ProcessSpec, RestartPolicy, Supervisor
from subgraphs.plugins.runtime.actions import run_action
from subgraphs.plugins.runtime.supervisor import OnFailed

log = logging.getLogger(__name__)

HOOK_SECONDS = 60.0


class PluginProcesses:
    """Each served plugin's process under one `Supervisor`, with the key it calls the gateway
    back with; and one-shot runs (SDL, hooks, tasks, updates) in fresh processes.

    `relay_base_url` says where gateways reach the plugins: None, at their Unix sockets (every
    gateway on this machine, as in `althaus dev`); else through the plugin relay of the plugins
    subgraph at that URL (`althaus serve plugins`, gateways anywhere on the private network).
    `on_stopped` is told the name of each plugin whose process was stopped.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        packages: Packages,
        run_dir: Path,
        *,
        secret: str,
        database_url: str,
        gateway_url: str,
        policy: RestartPolicy,
        on_crash_loop: OnFailed,
        relay_base_url: str | None = None,
        on_stopped: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.engine = engine
        self.packages = packages
        self.run_dir = run_dir
        self.secret = secret
        self.database_url = database_url
        self.gateway_url = gateway_url
        self.relay_base_url = relay_base_url
        self.on_stopped = on_stopped
        self.supervisor = Supervisor(on_failed=on_crash_loop, policy=policy)
        self._specs: dict[str, ProcessSpec] = {}
        self._keys: dict[str, str] = {}

    def names(self) -> list[str]:
        """The plugins whose process this host started (and has not stopped)."""
        return list(self._specs)

    def spec_of(self, name: str) -> ProcessSpec | None:
        return self._specs.get(name)

    def socket_of(self, name: str) -> Path | None:
        """The socket of a plugin whose process this host runs; None for any other name."""
        spec = self._specs.get(name)
        return spec.socket if spec is not None else None

    def url_of(self, spec: ProcessSpec) -> str:
        """The URL stored for subgraph `plugin_<name>`: the relay's, or the socket's."""
        if self.relay_base_url is None:
            return spec.url
        return relay_url(self.relay_base_url, spec.name)

    def spec(
        self,
        name: str,
        folder: Path,
        manifest: Mapping[str, Any],
        values: Mapping[str, Any],
        *,
        with_database: bool = True,
    ) -> ProcessSpec:
        runtime = self.run_dir / name
        runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(runtime, 0o700)
        limits = manifest.get("limits") or {}
        return ProcessSpec.for_plugin(
            name,
            folder,
            runtime,
            platform_secret=self.secret,
            database_url=role_url(self.database_url, name, self.secret) if with_database else "",
            settings=values,
            memory_mb=int(limits.get("memory_mb") or 0) or None,
            gateway_url=self.gateway_url if with_database else "",
            gateway_key=self._keys.get(name, "") if with_database else "",
        )

    async def start(self, record_: PluginRecord) -> tuple[ProcessSpec, str]:
        """Start (or restart) the plugin's process with its current settings; its spec and
        its SDL."""
        folder = await self.packages.folder_of(record_)
        limits = Limits.from_manifest(record_.manifest)
        await restore_role(self.engine, record_.name, limits, secret=self.secret)
        await set_login(self.engine, record_.name, True)
        async with self.engine.connect() as conn:
            values = await plugin_settings.effective(conn, record_.name, record_.manifest)
        capabilities = [str(c) for c in record_.manifest.get("capabilities") or []]
        self._keys[record_.name] = await gateway_keys.issue(self.engine, record_.name, capabilities)
        spec = self.spec(record_.name, folder, record_.manifest, values)
        process = await self.supervisor.start(spec)
        self._specs[record_.name] = spec
        return spec, process.sdl

    async def stop(self, name: str) -> None:
        await self.supervisor.stop(name)
        self._specs.pop(name, None)
        if self.on_stopped is not None:
            await self.on_stopped(name)
        if self._keys.pop(name, None) is not None:
            try:
                await gateway_keys.revoke(self.engine, name)
            except Exception as exc:  # it is revoked again at the next start
                log.warning(
                    "plugin's gateway key not revoked",
                    extra={"context": {"plugin": name, "error": reason_of(exc)}},
                )

    async def stop_all(self) -> None:
        await self.supervisor.stop_all()

    async def action(
        self, spec: ProcessSpec, action: Mapping[str, Any], seconds: float = HOOK_SECONDS
    ) -> Any:
        return await run_action(spec, action, timeout=seconds)

    async def hook(self, record_: PluginRecord, folder: Path, hook: str, **extra: Any) -> None:
        async with self.engine.connect() as conn:
            values = await plugin_settings.effective(conn, record_.name, record_.manifest)
        spec = self.spec(record_.name, folder, record_.manifest, values)
        await self.action(spec, {"action": "hook", "hook": hook, **extra})

    def serving(self) -> dict[str, tuple[str, str]]:
        """Plugins whose process this host runs: name -> (URL, SDL)."""
        found: dict[str, tuple[str, str]] = {}
        for name in list(self._specs):
            entry = self.supervisor.get(name)
            if entry is not None and entry.process.sdl:
                found[name] = (self.url_of(entry.spec), entry.process.sdl)
        return found

    def health(self, name: str) -> dict[str, Any]:
        entry = self.supervisor.get(name)
        if entry is None:
            return {"running": False, "state": "stopped", "restarts": 0}
        return {
            "running": entry.process.running,
            "state": entry.state,
            "pid": entry.process.pid,
            "restarts": entry.restarts,
            "crashes": len(entry.crashes),
            "lastExit": entry.reason,
            "protections": dict(entry.process.protections),
            "url": self.url_of(entry.spec),
        }

    def last_errors(self, name: str) -> list[str]:
        entry = self.supervisor.get(name)
        if entry is None:
            return []
        tail = entry.process.stderr_tail(2000)
        return [line for line in tail.splitlines() if line.strip()][-20:]

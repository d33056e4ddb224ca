"""The plugin host: the lifecycle of every plugin, its processes, the supergraph they make.

One `PluginHost` runs in each process that serves the plugins subgraph (`althaus dev`, or
`althaus serve plugins`). It verifies and keeps uploaded archives, installs, activates,
deactivates, updates and uninstalls plugins (each change audited), runs each active plugin's
process under a `Supervisor`, composes the supergraph once per change and stores it as a new
numbered version (announced to every gateway), holds plugins to their database limits with a
watchdog, and runs their scheduled tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import shutil
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core import supergraph_versions as versions
from core.config import Settings
from core.supergraph_versions import SupergraphVersion
from subgraphs.plugins.engine import (
    Actor,
    Limits,
    Plugin,
    PluginNotInstalled,
    enforce_limits,
    enforce_quota,
    install,
    restore_role,
    role_url,
    set_login,
    uninstall,
)
from subgraphs.plugins.engine.audit import record
from subgraphs.plugins.engine.supergraph import rollback as rollback_version
from subgraphs.plugins.lifecycle import archives, gateway_keys, registry
from subgraphs.plugins.lifecycle import settings as plugin_settings
from subgraphs.plugins.lifecycle.errors import (
    PluginActivationFailed,
    PluginCompositionFailed,
    PluginStateInvalid,
    PluginUpdateFailed,
)
from subgraphs.plugins.lifecycle.registry import PluginRecord
from subgraphs.plugins.package import VerifiedPlugin, verify_archive
from subgraphs.plugins.package.trust import trusted_keys
from subgraphs.plugins.runtime import (
    PluginRuntimeError,
    ProcessSpec,
    RestartPolicy,
    Supervisor,
)
from subgraphs.plugins.runtime.actions import PluginActionFailed, run_action
from supergraph.compose import CompositionError, SubgraphDefinition, compose

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
CoreSubgraphs = Callable[[], Awaitable[list[SubgraphDefinition]]]
"""The core subgraphs' definitions (name, URL, SDL), for composing with the plugins."""

HOOK_SECONDS = 60.0
SDL_SECONDS = 30.0


@dataclass(frozen=True)
class HostOptions:
    """Tunables of a host; the defaults suit production."""

    watchdog_seconds: float = 5.0
    drain_seconds: float = 2.0
    restart: RestartPolicy = field(default_factory=RestartPolicy)
    run_scheduler: bool = True
    scheduler_tick_seconds: float = 15.0


@dataclass(frozen=True)
class Uploaded:
    """An archive that passed verification and is kept, ready to install or update from."""

    checksum: str
    name: str
    version: str
    display_name: str
    signature: str | None
    publisher: str | None
    installed_version: str | None
    new: bool


def _quiet(step: str) -> None:
    return None


def _error_dicts(errors: Sequence[CompositionError]) -> list[dict[str, Any]]:
    return [{"code": e.code, "message": e.message} for e in errors]


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "reason", None) or getattr(exc, "message", None) or str(exc)
    text_ = str(message).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


class PluginHost:
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
        self.supervisor = Supervisor(on_failed=self._on_crash_loop, policy=self.options.restart)
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._specs: dict[str, ProcessSpec] = {}
        self._keys: dict[str, str] = {}
        # Plugins call the API back through the gateway of this machine (DESIGN.md: port 4000).
        self.gateway_url = f"http://127.0.0.1:{settings.port}/graphql"
        self._scheduler: Any = None
        self.started = asyncio.Event()

    # -- start and stop ------------------------------------------------------------------

    async def start(self) -> None:
        """Bring active plugins back in the background, then keep them to their limits."""
        if self._tasks:
            return
        self._tasks = [
            asyncio.create_task(self._reconcile(), name="plugin-host-reconcile"),
            asyncio.create_task(self._watchdog(), name="plugin-host-watchdog"),
        ]
        if self.options.run_scheduler:
            await self._start_scheduler()

    async def close(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._scheduler is not None:
            with contextlib.suppress(Exception):
                await self._scheduler.close()
        await self.supervisor.stop_all()

    async def _reconcile(self) -> None:
        """Start the processes of plugins marked active, then make sure the stored supergraph
        is the one of the subgraphs now serving (after a restart or a code change)."""
        try:
            async with self._lock:
                async with self.engine.connect() as conn:
                    active = await registry.all_plugins(conn, "active")
                for record_ in active:
                    try:
                        await self._start_process(record_)
                    except Exception as exc:
                        log.warning(
                            "plugin not restarted at start",
                            extra={"context": {"plugin": record_.name, "error": _reason(exc)}},
                        )
                        async with self.engine.begin() as conn:
                            await registry.set_status(
                                conn,
                                record_.name,
                                "failed",
                                error={"code": "PLUGIN_START_FAILED", "message": _reason(exc)},
                            )
                await self._store_if_changed("engine start")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(
                "plugins not reconciled at start", extra={"context": {"error": _reason(exc)}}
            )
        finally:
            self.started.set()

    async def _store_if_changed(self, reason: str) -> SupergraphVersion | None:
        definitions = await self._definitions()
        result = await asyncio.to_thread(compose, definitions)
        if result.supergraph_sdl is None:
            log.warning(
                "the serving subgraphs do not compose; the stored supergraph is kept",
                extra={"context": {"errors": _error_dicts(result.errors)}},
            )
            return None
        async with self.engine.connect() as conn:
            latest = await versions.latest(conn)
        urls = {d.name: d.url for d in definitions}
        if (
            latest is not None
            and latest.hash == versions.sdl_hash(result.supergraph_sdl)
            and dict(latest.subgraphs) == urls
        ):
            return None
        async with self.engine.begin() as conn:
            stored = await versions.store(
                conn, result.supergraph_sdl, urls, created_by=None, reason=reason
            )
        await self._announce(stored)
        return stored

    # -- archives ------------------------------------------------------------------------

    async def _verify(self, data: bytes, *, allow_unsigned: bool = False) -> VerifiedPlugin:
        async with self.engine.connect() as conn:
            keys = await trusted_keys(conn)
        return await asyncio.to_thread(
            functools.partial(verify_archive, data, keys, allow_unsigned=allow_unsigned)
        )

    async def upload(
        self, data: bytes, actor: Actor | None = None, *, allow_unsigned: bool = False
    ) -> Uploaded:
        """Verify an archive (sizes, paths, checksums, signature by a trusted key, manifest,
        platform range) and keep it; nothing else changes. Audited as `plugin.upload`.

        `allow_unsigned` accepts a package without a signature (never a wrongly signed one),
        and only in development, with a loud warning in the log.
        """
        if allow_unsigned and not self.settings.is_development:
            raise PluginStateInvalid(
                "unsigned plugin packages are accepted only when ALTHAUS_ENV=development"
            )
        verified = await self._verify(data, allow_unsigned=allow_unsigned)
        if verified.signature is None:
            log.warning(
                "UNSIGNED plugin package accepted (development only): nobody vouches for it",
                extra={
                    "context": {"plugin": verified.manifest.name, "checksum": verified.checksum}
                },
            )
        async with self.engine.begin() as conn:
            new = await archives.store(conn, data, verified, actor.user_id if actor else None)
            installed = await registry.find(conn, verified.manifest.name)
            await record(
                conn,
                "plugin.upload",
                verified.manifest.name,
                actor,
                {"version": verified.manifest.version, "checksum": verified.checksum, "new": new},
            )
        return Uploaded(
            checksum=verified.checksum,
            name=verified.manifest.name,
            version=verified.manifest.version,
            display_name=verified.manifest.display_name,
            signature=verified.signature,
            publisher=verified.publisher.name if verified.publisher else None,
            installed_version=installed.version if installed else None,
            new=new,
        )

    async def _verified_archive(self, checksum: str) -> tuple[VerifiedPlugin, Path]:
        """A kept archive verified again (trust may have been withdrawn) and unpacked."""
        async with self.engine.connect() as conn:
            stored = await archives.load(conn, checksum)
        unsigned_ok = stored.signature is None and self.settings.is_development
        verified = await self._verify(stored.archive, allow_unsigned=unsigned_ok)
        folder = await asyncio.to_thread(archives.unpack, verified, self.packages_dir)
        return verified, folder

    # -- processes -----------------------------------------------------------------------

    def _spec(
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

    async def _folder_of(self, record_: PluginRecord) -> Path:
        if not record_.checksum:
            raise PluginStateInvalid(f"plugin {record_.name!r} has no archive on record")
        _, folder = await self._verified_archive(record_.checksum)
        return folder

    async def _start_process(self, record_: PluginRecord) -> str:
        """Start (or restart) the plugin's process with its current settings; its SDL."""
        folder = await self._folder_of(record_)
        limits = Limits.from_manifest(record_.manifest)
        await restore_role(self.engine, record_.name, limits, secret=self.secret)
        await set_login(self.engine, record_.name, True)
        async with self.engine.connect() as conn:
            values = await plugin_settings.effective(conn, record_.name, record_.manifest)
        capabilities = [str(c) for c in record_.manifest.get("capabilities") or []]
        self._keys[record_.name] = await gateway_keys.issue(
            self.engine, record_.name, capabilities
        )
        spec = self._spec(record_.name, folder, record_.manifest, values)
        process = await self.supervisor.start(spec)
        self._specs[record_.name] = spec
        return process.sdl

    async def _action(
        self, spec: ProcessSpec, action: Mapping[str, Any], seconds: float = HOOK_SECONDS
    ) -> Any:
        return await run_action(spec, action, timeout=seconds)

    async def _hook(self, record_: PluginRecord, folder: Path, hook: str, **extra: Any) -> None:
        async with self.engine.connect() as conn:
            values = await plugin_settings.effective(conn, record_.name, record_.manifest)
        spec = self._spec(record_.name, folder, record_.manifest, values)
        await self._action(spec, {"action": "hook", "hook": hook, **extra})

    def serving(self) -> dict[str, tuple[str, str]]:
        """Plugins whose process this host runs: name -> (URL, SDL)."""
        found: dict[str, tuple[str, str]] = {}
        for name in list(self._specs):
            entry = self.supervisor.get(name)
            if entry is not None and entry.process.sdl:
                found[name] = (entry.spec.url, entry.process.sdl)
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
            "url": entry.spec.url,
        }

    def last_errors(self, name: str) -> list[str]:
        entry = self.supervisor.get(name)
        if entry is None:
            return []
        tail = entry.process.stderr_tail(2000)
        return [line for line in tail.splitlines() if line.strip()][-20:]

    # -- composition ---------------------------------------------------------------------

    async def _definitions(
        self, replace: Mapping[str, tuple[str, str] | None] | None = None
    ) -> list[SubgraphDefinition]:
        """Core subgraphs plus every plugin served here, with `replace` (name -> (url, sdl),
        or None to leave one out) applied."""
        definitions = list(await self.core_subgraphs())
        plugins = self.serving()
        for name, value in (replace or {}).items():
            if value is None:
                plugins.pop(name, None)
            else:
                plugins[name] = value
        for name in sorted(plugins):
            url, sdl = plugins[name]
            definitions.append(SubgraphDefinition(f"plugin_{name}", url, sdl))
        return definitions

    async def _compose(
        self, replace: Mapping[str, tuple[str, str] | None]
    ) -> tuple[str, dict[str, str]] | list[dict[str, Any]]:
        definitions = await self._definitions(replace)
        result = await asyncio.to_thread(compose, definitions)
        if result.supergraph_sdl is None:
            return _error_dicts(result.errors)
        return result.supergraph_sdl, {d.name: d.url for d in definitions}

    async def _announce(self, stored: SupergraphVersion) -> None:
        try:
            await versions.announce(self.redis, self.settings, stored)
        except Exception as exc:  # stored and committed: the gateways' poll finds it
            log.warning(
                "supergraph version stored but not announced; gateways will find it by polling",
                extra={"context": {"version": stored.version, "error": _reason(exc)}},
            )

    async def dry_run(self, name: str, folder: Path, manifest: Mapping[str, Any]) -> None:
        """Compose the supergraph with the package's schema (its SDL from a one-shot run of
        the plugin's own code, sandboxed); PluginCompositionFailed when it does not."""
        spec = self._spec(
            name, folder, manifest, plugin_settings.defaults(manifest), with_database=False
        )
        try:
            sdl = await self._action(spec, {"action": "sdl"}, SDL_SECONDS)
        except PluginActionFailed as exc:
            raise PluginCompositionFailed(
                name, [{"code": "PLUGIN_SDL_UNAVAILABLE", "message": _reason(exc)}]
            ) from None
        outcome = await self._compose({name: (spec.url, str(sdl))})
        if isinstance(outcome, list):
            raise PluginCompositionFailed(name, outcome)

    # -- lifecycle -----------------------------------------------------------------------

    async def install(
        self, checksum: str, actor: Actor | None = None, progress: Progress = _quiet
    ) -> PluginRecord:
        async with self._lock:
            progress("verifying the archive")
            verified, folder = await self._verified_archive(checksum)
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
                spec = self._spec(name, folder, manifest, plugin_settings.defaults(manifest))
                try:
                    await self._action(spec, {"action": "hook", "hook": "install"})
                except PluginActionFailed as exc:
                    raise RuntimeError(f"the install hook failed: {_reason(exc)}") from None

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
        self, name: str, actor: Actor | None = None, progress: Progress = _quiet
    ) -> PluginRecord:
        async with self._lock:
            async with self.engine.connect() as conn:
                current = await registry.get(conn, name)
            if current.status == "active" and name in self.serving():
                raise PluginStateInvalid(f"plugin {name!r} is already active")
            progress("starting the plugin's process")
            try:
                sdl = await self._start_process(current)
                progress("running the activate hook")
                spec = self._specs[name]
                await self._action(spec, {"action": "hook", "hook": "activate"})
            except (PluginRuntimeError, PluginActionFailed, OSError) as exc:
                await self._stop(name)
                error = {
                    "code": getattr(exc, "code", "PLUGIN_START_FAILED"),
                    "message": _reason(exc),
                }
                await self._mark_failed(name, error, actor, "plugin.activate")
                raise PluginActivationFailed(name, _reason(exc)) from None
            progress("composing the supergraph")
            outcome = await self._compose({name: (spec.url, sdl)})
            if isinstance(outcome, list):
                await self._stop(name)
                error = {
                    "code": "SUPERGRAPH_COMPOSITION_FAILED",
                    "message": "the plugin's schema does not compose with the supergraph",
                    "errors": outcome,
                }
                await self._mark_failed(name, error, actor, "plugin.activate")
                raise PluginActivationFailed(
                    name,
                    "its schema does not compose with the supergraph: "
                    + "; ".join(f"[{e['code']}] {e['message']}" for e in outcome),
                    outcome,
                )
            supergraph_sdl, urls = outcome
            progress("storing the new supergraph version")
            async with self.engine.begin() as conn:
                stored = await versions.store(
                    conn,
                    supergraph_sdl,
                    urls,
                    created_by=actor.user_id if actor else None,
                    reason=f"activate plugin {name}",
                    audit=False,
                )
                await registry.set_status(conn, name, "active", error=None, activated=True)
                await record(
                    conn,
                    "plugin.activate",
                    name,
                    actor,
                    {"version": current.version, "supergraph_version": stored.version},
                )
            await self._announce(stored)
            progress(f"active: supergraph version {stored.version}")
            async with self.engine.connect() as conn:
                return await registry.get(conn, name)

    async def _mark_failed(
        self, name: str, error: Mapping[str, Any], actor: Actor | None, action: str
    ) -> None:
        with contextlib.suppress(Exception):
            await set_login(self.engine, name, False)
        async with self.engine.begin() as conn:
            await registry.set_status(conn, name, "failed", error=error)
            await record(conn, f"{action}.failed", name, actor, {"error": dict(error)})

    async def _stop(self, name: str) -> None:
        await self.supervisor.stop(name)
        self._specs.pop(name, None)
        if self._keys.pop(name, None) is not None:
            try:
                await gateway_keys.revoke(self.engine, name)
            except Exception as exc:  # it is revoked again at the next start
                log.warning(
                    "plugin's gateway key not revoked",
                    extra={"context": {"plugin": name, "error": _reason(exc)}},
                )

    async def deactivate(
        self,
        name: str,
        actor: Actor | None = None,
        progress: Progress = _quiet,
        *,
        failure: Mapping[str, Any] | None = None,
    ) -> PluginRecord:
        """Remove the plugin from the supergraph (a new version), let running requests finish,
        run its deactivate hook, stop its process and disable its login; its data stays. With
        `failure` (a crash loop) the plugin ends `failed` with that error instead of inactive."""
        async with self._lock:
            return await self._deactivate(name, actor, progress, failure=failure)

    async def _deactivate(
        self,
        name: str,
        actor: Actor | None,
        progress: Progress,
        *,
        failure: Mapping[str, Any] | None = None,
    ) -> PluginRecord:
        async with self.engine.connect() as conn:
            current = await registry.get(conn, name)
        if current.status != "active" and failure is None and name not in self.serving():
            raise PluginStateInvalid(f"plugin {name!r} is not active (it is {current.status})")
        progress("composing the supergraph without the plugin")
        outcome = await self._compose({name: None})
        if isinstance(outcome, list):
            raise PluginStateInvalid(
                "the supergraph does not compose without the plugin: "
                + "; ".join(f"[{e['code']}] {e['message']}" for e in outcome)
            )
        supergraph_sdl, urls = outcome
        status = "failed" if failure is not None else "inactive"
        action = "plugin.crashed" if failure is not None else "plugin.deactivate"
        async with self.engine.begin() as conn:
            stored = await versions.store(
                conn,
                supergraph_sdl,
                urls,
                created_by=actor.user_id if actor else None,
                reason=f"{'crashed' if failure else 'deactivate'} plugin {name}",
                audit=False,
            )
            await registry.set_status(conn, name, status, error=failure)
            details: dict[str, Any] = {"supergraph_version": stored.version}
            if failure is not None:
                details["error"] = dict(failure)
            await record(conn, action, name, actor, details)
        await self._announce(stored)
        progress(f"removed from the supergraph (version {stored.version}); draining")
        await asyncio.sleep(self.options.drain_seconds)
        spec = self._specs.get(name)
        if spec is not None and failure is None:
            progress("running the deactivate hook")
            try:
                await self._action(spec, {"action": "hook", "hook": "deactivate"})
            except PluginActionFailed as exc:  # logged; the plugin is off all the same
                log.warning(
                    "deactivate hook failed",
                    extra={"context": {"plugin": name, "error": _reason(exc)}},
                )
        progress("stopping the plugin's process")
        await self._stop(name)
        await set_login(self.engine, name, False)
        async with self.engine.connect() as conn:
            return await registry.get(conn, name)

    async def _on_crash_loop(self, name: str, reason: str) -> None:
        log.error("plugin deactivated after repeated crashes", extra={"context": {"plugin": name}})
        try:
            await self.deactivate(
                name, None, failure={"code": "PLUGIN_CRASH_LOOP", "message": reason}
            )
        except Exception as exc:
            log.error(
                "plugin could not be deactivated after its crashes",
                extra={"context": {"plugin": name, "error": _reason(exc)}},
            )

    async def uninstall(
        self,
        name: str,
        keep_data: bool = False,
        actor: Actor | None = None,
        progress: Progress = _quiet,
    ) -> None:
        async with self._lock:
            async with self.engine.connect() as conn:
                current = await registry.find(conn, name)
            if current is not None and (current.status == "active" or name in self.serving()):
                await self._deactivate(name, actor, progress)
            if current is not None and current.checksum:
                progress("running the uninstall hook")
                try:
                    folder = await self._folder_of(current)
                    await set_login(self.engine, name, True)
                    await self._hook(current, folder, "uninstall", keep_data=keep_data)
                except Exception as exc:  # the hook cannot keep an admin from removing it
                    log.warning(
                        "uninstall hook failed; uninstalling all the same",
                        extra={"context": {"plugin": name, "error": _reason(exc)}},
                    )
            progress("keeping the data" if keep_data else "dropping the schema and the role")
            await uninstall(self.engine, name, keep_data=keep_data, actor=actor)
            if not keep_data:
                async with self.engine.begin() as conn:
                    await plugin_settings.forget(conn, name)
                await asyncio.to_thread(shutil.rmtree, self.packages_dir / name, True)
            progress("uninstalled")

    async def update(
        self, checksum: str, actor: Actor | None = None, progress: Progress = _quiet
    ) -> PluginRecord:
        async with self._lock:
            progress("verifying the archive")
            verified, folder = await self._verified_archive(checksum)
            name = verified.manifest.name
            async with self.engine.connect() as conn:
                current = await registry.get(conn, name)
                applied: dict[str, str] = dict(
                    (
                        await conn.execute(
                            text(
                                "SELECT filename, checksum FROM system.plugin_migrations"
                                " WHERE plugin_name = :name"
                            ),
                            {"name": name},
                        )
                    ).all()
                )
            if current.checksum == verified.checksum:
                raise PluginStateInvalid(f"plugin {name!r} already runs this exact package")
            plugin = Plugin.from_verified(verified)
            manifest = verified.manifest.to_json()
            new = []
            for migration in plugin.migrations:
                if migration.filename in applied:
                    if applied[migration.filename] != migration.checksum:
                        raise PluginUpdateFailed(
                            name,
                            f"migration {migration.filename} differs from the one applied;"
                            " a published migration must never change (add a new one)",
                        )
                    continue
                new.append(migration)
            progress("composing the supergraph with the new schema (dry run)")
            try:
                await self.dry_run(name, folder, manifest)
            except PluginCompositionFailed as exc:
                raise PluginUpdateFailed(name, str(exc)) from None
            was_active = current.status == "active" and name in self.serving()
            progress(f"applying {len(new)} new migration(s) and the update hook in one transaction")
            async with self.engine.connect() as conn:
                values = await plugin_settings.effective(conn, name, manifest)
            await restore_role(
                self.engine, name, Limits.from_manifest(manifest), secret=self.secret
            )
            await set_login(self.engine, name, True)
            spec = self._spec(name, folder, manifest, values)
            try:
                await self._action(
                    spec,
                    {
                        "action": "update",
                        "old_version": current.version,
                        "migrations": [{"filename": m.filename, "up": m.up} for m in new],
                    },
                    seconds=300.0,
                )
            except PluginActionFailed as exc:
                if not was_active:
                    await set_login(self.engine, name, False)
                raise PluginUpdateFailed(name, _reason(exc)) from None
            async with self.engine.begin() as conn:
                for migration in new:
                    await conn.execute(
                        text(
                            "INSERT INTO system.plugin_migrations (plugin_name, filename, checksum)"
                            " VALUES (:name, :filename, :checksum)"
                        ),
                        {
                            "name": name,
                            "filename": migration.filename,
                            "checksum": migration.checksum,
                        },
                    )
                await registry.set_package(
                    conn,
                    name,
                    version=verified.manifest.version,
                    manifest=manifest,
                    checksum=verified.checksum,
                    signature=verified.signature,
                )
                await record(
                    conn,
                    "plugin.update",
                    name,
                    actor,
                    {
                        "from": current.version,
                        "to": verified.manifest.version,
                        "checksum": verified.checksum,
                        "migrations": [m.filename for m in new],
                    },
                )
            if not was_active:
                await set_login(self.engine, name, False)
                progress("updated (not active: activate it to serve the new version)")
                async with self.engine.connect() as conn:
                    return await registry.get(conn, name)
            progress("restarting the plugin's process on the new version")
            async with self.engine.connect() as conn:
                updated = await registry.get(conn, name)
            try:
                sdl = await self._start_process(updated)
            except PluginRuntimeError as exc:
                start_error = {"code": "PLUGIN_START_FAILED", "message": _reason(exc)}
                await self._deactivate(name, actor, progress, failure=start_error)
                raise PluginActivationFailed(name, _reason(exc)) from None
            outcome = await self._compose({name: (self._specs[name].url, sdl)})
            if isinstance(outcome, list):
                error: dict[str, Any] = {
                    "code": "SUPERGRAPH_COMPOSITION_FAILED",
                    "message": "the new version's schema does not compose with the supergraph",
                    "errors": outcome,
                }
                await self._deactivate(name, actor, progress, failure=error)
                raise PluginActivationFailed(name, "the new schema does not compose", outcome)
            supergraph_sdl, urls = outcome
            async with self.engine.begin() as conn:
                stored = await versions.store(
                    conn,
                    supergraph_sdl,
                    urls,
                    created_by=actor.user_id if actor else None,
                    reason=f"update plugin {name} to {verified.manifest.version}",
                    audit=False,
                )
            await self._announce(stored)
            progress(f"serving {verified.manifest.version}: supergraph version {stored.version}")
            async with self.engine.connect() as conn:
                return await registry.get(conn, name)

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
                await self._start_process(current)
            return merged

    async def rollback(self, version: int, actor: Actor | None = None) -> SupergraphVersion:
        """Serve an earlier version again (stored as a new version, audited)."""
        async with self._lock:
            return await rollback_version(
                self.engine, self.redis, self.settings, version, actor=actor
            )

    # -- watchdog and tasks --------------------------------------------------------------

    async def _watchdog(self) -> None:
        while True:
            await asyncio.sleep(self.options.watchdog_seconds)
            for name in list(self._specs):
                try:
                    async with self.engine.connect() as conn:
                        current = await registry.find(conn, name)
                    if current is None:
                        continue
                    limits = Limits.from_manifest(current.manifest)
                    await enforce_limits(
                        self.engine,
                        name,
                        limits.statement_timeout_ms,
                        idle_in_transaction_timeout_ms=limits.idle_in_transaction_timeout_ms,
                    )
                    await enforce_quota(self.engine, name, limits.storage_bytes)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning(
                        "plugin watchdog failed; retrying",
                        extra={"context": {"plugin": name, "error": _reason(exc)}},
                    )

    async def _start_scheduler(self) -> None:
        try:
            from subgraphs.plugins.tasks.scheduler import TaskScheduler
        except ImportError:  # pragma: no cover - the scheduler ships with the host
            log.warning("plugin task scheduler unavailable")
            return
        self._scheduler = TaskScheduler(
            self.engine,
            plugins=self._scheduled_plugins,
            run=self._run_task,
            replica=self.replica,
            tick_seconds=self.options.scheduler_tick_seconds,
        )
        await self._scheduler.start()

    async def _scheduled_plugins(self) -> list[Any]:
        from subgraphs.plugins.tasks.scheduler import ScheduledPlugin, TaskSpec

        async with self.engine.connect() as conn:
            active = await registry.all_plugins(conn, "active")
        found = []
        for record_ in active:
            if record_.name not in self._specs:
                continue  # another replica serves it
            tasks = record_.manifest.get("tasks") or []
            if not tasks:
                continue
            limits = record_.manifest.get("limits") or {}
            found.append(
                ScheduledPlugin(
                    name=record_.name,
                    tasks=tuple(TaskSpec(t["name"], t["cron"], t["function"]) for t in tasks),
                    cpu_seconds=int(limits.get("task_cpu_seconds") or 60),
                    activated_at=record_.activated_at or datetime.now(UTC),
                )
            )
        return found

    async def _run_task(self, plugin: str, task: Any, scheduled_for: Any) -> Any:
        spec = self._specs.get(plugin)
        if spec is None:
            raise PluginStateInvalid(f"plugin {plugin!r} is not served here")
        async with self.engine.connect() as conn:
            current = await registry.get(conn, plugin)
        cpu = int((current.manifest.get("limits") or {}).get("task_cpu_seconds") or 60)
        return await self._action(
            spec,
            {"action": "task", "function": task.function, "cpu_seconds": cpu},
            seconds=cpu * 2 + 30,
        )

    async def run_task_now(self, plugin: str, task_name: str) -> Any:
        """Run one task at once (admin's "run now"; not recorded as a scheduled run)."""
        async with self.engine.connect() as conn:
            current = await registry.get(conn, plugin)
        for task in current.manifest.get("tasks") or []:
            if task["name"] == task_name:
                from subgraphs.plugins.tasks.scheduler import TaskSpec

                return await self._run_task(
                    plugin, TaskSpec(task["name"], task["cron"], task["function"]), None
                )
        raise PluginStateInvalid(f"plugin {plugin!r} has no task {task_name!r}")


async def plugin_records(conn: AsyncConnection) -> list[PluginRecord]:
    return await registry.all_plugins(conn)


__all__ = ["HostOptions", "PluginHost", "PluginNotInstalled", "Uploaded", "plugin_records"]

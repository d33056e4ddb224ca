"""Updating a plugin to another package of it: its new migrations and update hook in one
transaction, then the registry, and an active plugin served again on the new package.

A migration already applied must be the same file in the new package (a published migration
never changes); only the ones not yet applied run. Until the hook's transaction commits, the
registry and the running process are untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.plugins.engine import Actor, Limits, Migration, Plugin, restore_role, set_login
from subgraphs.plugins.engine.audit import record
from subgraphs.plugins.lifecycle import registry
from subgraphs.plugins.lifecycle import settings as plugin_settings
from subgraphs.plugins.lifecycle.composition import Composition
from subgraphs.plugins.lifecycle.errors import (
    PluginActivationFailed,
    PluginCompositionFailed,
    PluginStateInvalid,
    PluginUpdateFailed,
    reason_of,
)
from subgraphs.plugins.lifecycle.packages import Packages
from subgraphs.plugins.lifecycle.processes import PluginProcesses
from subgraphs.plugins.lifecycle.progress import Progress
from subgraphs.plugins.lifecycle.registry import PluginRecord
from subgraphs.plugins.runtime import PluginRuntimeError
from subgraphs.plugins.runtime.actions import PluginActionFailed

UPDATE_SECONDS = 300.0


class Withdraw(Protocol):
    """The host's deactivation: with `failure`, the plugin ends `failed` with that error."""

    async def __call__(
        self,
        name: str,
        actor: Actor | None,
        progress: Progress,
        *,
        failure: Mapping[str, Any] | None = None,
    ) -> PluginRecord: ...


class Updates:
    """Updates of plugins to other packages of theirs; the caller holds the host's lock."""

    def __init__(
        self,
        engine: AsyncEngine,
        packages: Packages,
        processes: PluginProcesses,
        composition: Composition,
        withdraw: Withdraw,
        *,
        secret: str,
    ) -> None:
        self.engine = engine
        self.packages = packages
        self.processes = processes
        self.composition = composition
        self.withdraw = withdraw
        self.secret = secret

    async def apply(self, checksum: str, actor: Actor | None, progress: Progress) -> PluginRecord:
        """Update the plugin of the kept archive `checksum` to it."""
        progress("checking the kept archive again (trust may have changed since the upload)")
        verified, folder = await self.packages.unpacked(checksum)
        name = verified.manifest.name
        async with self.engine.connect() as conn:
            current = await registry.get(conn, name)
            applied = await _applied(conn, name)
        if current.checksum == verified.checksum:
            raise PluginStateInvalid(f"plugin {name!r} already runs this exact package")
        manifest = verified.manifest.to_json()
        new = _not_applied(name, Plugin.from_verified(verified).migrations, applied)
        progress("composing the supergraph with the new schema (dry run)")
        try:
            await self.composition.dry_run(name, folder, manifest)
        except PluginCompositionFailed as exc:
            raise PluginUpdateFailed(name, str(exc)) from None
        was_active = current.status == "active" and name in self.processes.serving()
        progress(f"applying {len(new)} new migration(s) and the update hook in one transaction")
        async with self.engine.connect() as conn:
            values = await plugin_settings.effective(conn, name, manifest)
        await restore_role(self.engine, name, Limits.from_manifest(manifest), secret=self.secret)
        await set_login(self.engine, name, True)
        spec = self.processes.spec(name, folder, manifest, values)
        try:
            await self.processes.action(
                spec,
                {
                    "action": "update",
                    "old_version": current.version,
                    "migrations": [{"filename": m.filename, "up": m.up} for m in new],
                },
                seconds=UPDATE_SECONDS,
            )
        except PluginActionFailed as exc:
            if not was_active:
                await set_login(self.engine, name, False)
            raise PluginUpdateFailed(name, reason_of(exc)) from None
        async with self.engine.begin() as conn:
            await _record_applied(conn, name, new)
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
        if was_active:
            await self._serve_again(name, verified.manifest.version, actor, progress)
        else:
            await set_login(self.engine, name, False)
            progress("updated (not active: activate it to serve the new version)")
        async with self.engine.connect() as conn:
            return await registry.get(conn, name)

    async def _serve_again(
        self, name: str, version: str, actor: Actor | None, progress: Progress
    ) -> None:
        """Restart an active plugin on its new package and store the supergraph with it; one
        that does not start or compose is withdrawn, `failed` with the reason."""
        progress("restarting the plugin's process on the new version")
        async with self.engine.connect() as conn:
            updated = await registry.get(conn, name)
        try:
            spec, sdl = await self.processes.start(updated)
        except PluginRuntimeError as exc:
            start_error = {"code": "PLUGIN_START_FAILED", "message": reason_of(exc)}
            await self.withdraw(name, actor, progress, failure=start_error)
            raise PluginActivationFailed(name, reason_of(exc)) from None
        outcome = await self.composition.compose({name: (self.processes.url_of(spec), sdl)})
        if isinstance(outcome, list):
            error: dict[str, Any] = {
                "code": "SUPERGRAPH_COMPOSITION_FAILED",
                "message": "the new version's schema does not compose with the supergraph",
                "errors": outcome,
            }
            await self.withdraw(name, actor, progress, failure=error)
            raise PluginActivationFailed(name, "the new schema does not compose", outcome)
        stored = await self.composition.store(
            outcome, actor=actor, reason=f"update plugin {name} to {version}"
        )
        progress(f"serving {version}: supergraph version {stored.version}")


async def _applied(conn: AsyncConnection, name: str) -> dict[str, str]:
    """The plugin's applied migrations: filename -> checksum."""
    result = await conn.execute(
        text("SELECT filename, checksum FROM system.plugin_migrations WHERE plugin_name = :name"),
        {"name": name},
    )
    return {filename: checksum for filename, checksum in result.all()}


def _not_applied(
    name: str, migrations: Sequence[Migration], applied: Mapping[str, str]
) -> list[Migration]:
    """The package's migrations still to apply; PluginUpdateFailed when an applied one changed."""
    new = []
    for migration in migrations:
        if migration.filename in applied:
            if applied[migration.filename] != migration.checksum:
                raise PluginUpdateFailed(
                    name,
                    f"migration {migration.filename} differs from the one applied;"
                    " a published migration must never change (add a new one)",
                )
            continue
        new.append(migration)
    return new


async def _record_applied(
    conn: AsyncConnection, name: str, migrations: Sequence[Migration]
) -> None:
    for migration in migrations:
        await conn.execute(
            text(
                "INSERT INTO system.plugin_migrations (plugin_name, filename, checksum)"
                " VALUES (:name, :filename, :checksum)"
            ),
            {"name": name, "filename": migration.filename, "checksum": migration.checksum},
        )

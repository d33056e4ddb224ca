"""Installing a verified plugin: its role, its schema, its migrations run as that role, its
registry and audit rows; any failure undoes all of it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core import db
from subgraphs.plugins.engine import isolation
from subgraphs.plugins.engine.audit import Actor, record
from subgraphs.plugins.engine.credentials import role_password, role_url
from subgraphs.plugins.engine.errors import (
    PluginAlreadyInstalled,
    PluginInstallFailed,
    PluginUndoFailed,
)
from subgraphs.plugins.engine.identifiers import role_name
from subgraphs.plugins.engine.plugin import Plugin
from subgraphs.plugins.engine.postgres_errors import describe

Progress = Callable[[str], None]
InstallHook = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class InstallResult:
    name: str
    role: str
    schema: str
    registry_id: str
    migrations: tuple[str, ...]
    audit_id: int


@dataclass
class _Run:
    """One install in progress: the step it is at, and exactly what an undo must remove."""

    report: Progress
    step: str = "starting"
    role_and_schema: bool = False
    migrations: list[str] = field(default_factory=list)

    def enter(self, step: str) -> None:
        self.step = step
        self.report(step)


class _StepFailed(Exception):
    def __init__(self, reason: str, filename: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.filename = filename


async def install(
    admin_engine: AsyncEngine,
    database_url: str,
    plugin: Plugin,
    *,
    secret: str | bytes,
    progress: Progress | None = None,
    on_installed: InstallHook | None = None,
    actor: Actor | None = None,
    migration_timeout_s: float = 300.0,
) -> InstallResult:
    """Install `plugin` (already verified) into the database of `admin_engine`.

    `database_url` is that same database (the plugin's login is built from it); `secret` is
    INTERNAL_TOKEN_SECRET, from which the role's password is derived. `on_installed(role_url)`
    is the install hook, run after the migrations; its failure undoes the install too. A
    migration may `SET statement_timeout = 0`, so each one also has `migration_timeout_s`.
    Raises PluginAlreadyInstalled, or PluginInstallFailed naming the failed step.
    """
    name = plugin.name
    try:
        await _check_not_installed(admin_engine, database_url, plugin)
    except (SQLAlchemyError, OSError) as exc:
        raise PluginInstallFailed(name, "checking the registry", describe(exc)) from exc
    run = _Run(report=progress or (lambda step: None))
    try:
        await _create_role_and_schema(admin_engine, plugin, secret, run)
        login = role_url(database_url, name, secret)
        if plugin.migrations:
            await _apply_migrations(admin_engine, login, plugin, run, migration_timeout_s)
        if on_installed is not None:
            run.enter("running the install hook")
            await on_installed(login)
        run.enter("registering the plugin")
        async with admin_engine.begin() as connection:
            registry_id = await _register(connection, plugin, actor)
            audit = await record(
                connection,
                "plugin.install",
                name,
                actor,
                {
                    "version": plugin.version,
                    "checksum": plugin.checksum,
                    "migrations": [m.filename for m in plugin.migrations],
                },
            )
    except BaseException as exc:
        await _undo_or_explain(admin_engine, name, run, exc)
        if not isinstance(exc, Exception):
            raise
        filename = exc.filename if isinstance(exc, _StepFailed) else None
        raise PluginInstallFailed(name, run.step, _reason(exc), filename=filename) from exc
    run.report("installed")
    return InstallResult(
        name=name,
        role=role_name(name),
        schema=role_name(name),
        registry_id=registry_id,
        migrations=tuple(m.filename for m in plugin.migrations),
        audit_id=audit.id,
    )


async def _create_role_and_schema(
    admin_engine: AsyncEngine, plugin: Plugin, secret: str | bytes, run: _Run
) -> None:
    """Role, schema and database isolation in one transaction: all of them or none."""
    password = role_password(secret, plugin.name)
    async with admin_engine.begin() as connection:
        run.enter("creating role")
        await isolation.lock_catalog(connection)
        await isolation.create_role(connection, plugin.name, password, plugin.limits)
        run.enter("creating schema")
        await isolation.create_schema(connection, plugin.name)
        run.enter("isolating the database")
        await isolation.isolate_database(connection, plugin.name)
    run.role_and_schema = True


async def _apply_migrations(
    admin_engine: AsyncEngine, login: str, plugin: Plugin, run: _Run, timeout_s: float
) -> None:
    """Each migration in its own transaction on the plugin's own login; each recorded after."""
    run.enter(f"connecting as {role_name(plugin.name)}")
    connection = await asyncpg.connect(db.plain_url(login))
    try:
        for migration in plugin.migrations:
            run.enter(f"applying {migration.filename}")
            try:
                async with connection.transaction():
                    await connection.execute(migration.up, timeout=timeout_s)
            except asyncpg.PostgresError as exc:
                raise _StepFailed(
                    f"{migration.filename}: {describe(exc)}", migration.filename
                ) from exc
            except TimeoutError as exc:
                raise _StepFailed(
                    f"{migration.filename}: ran longer than {timeout_s:g} s", migration.filename
                ) from exc
            async with admin_engine.begin() as admin:
                await admin.execute(
                    text(
                        "INSERT INTO system.plugin_migrations (plugin_name, filename, checksum)"
                        " VALUES (:name, :filename, :checksum)"
                    ),
                    {
                        "name": plugin.name,
                        "filename": migration.filename,
                        "checksum": migration.checksum,
                    },
                )
            run.migrations.append(migration.filename)
    finally:
        try:
            await connection.close(timeout=5)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            connection.terminate()


async def _undo_or_explain(
    admin_engine: AsyncEngine, name: str, run: _Run, exc: BaseException
) -> None:
    try:
        await asyncio.shield(_undo(admin_engine, name, run))
    except Exception as undo_exc:
        role = role_name(name)
        raise PluginUndoFailed(
            f"installing plugin {name!r} failed while {run.step} ({_reason(exc)}), and undoing"
            f" it failed too ({describe(undo_exc)}): drop schema and role {role} and its"
            " rows in system.plugin_migrations by hand"
        ) from exc


def _reason(exc: BaseException) -> str:
    return exc.reason if isinstance(exc, _StepFailed) else describe(exc)


async def _check_not_installed(
    admin_engine: AsyncEngine, database_url: str, plugin: Plugin
) -> None:
    name = plugin.name
    async with admin_engine.connect() as connection:
        found = await connection.execute(
            text("SELECT 1 FROM system.plugin_registry WHERE name = :name"), {"name": name}
        )
        if found.first() is not None:
            raise PluginAlreadyInstalled(name)
        current = (await connection.execute(text("SELECT current_database()"))).scalar_one()
        if current != db.database_name(database_url):
            raise PluginInstallFailed(
                name,
                "checking the database",
                f"database_url names database {db.database_name(database_url)!r} but the admin"
                f" engine is connected to {current!r}",
            )
        leftovers = []
        if await isolation.role_exists(connection, name):
            leftovers.append(f"role {role_name(name)}")
        if await isolation.schema_exists(connection, name):
            leftovers.append(f"schema {role_name(name)}")
        applied = await connection.execute(
            text("SELECT 1 FROM system.plugin_migrations WHERE plugin_name = :name LIMIT 1"),
            {"name": name},
        )
        if applied.first() is not None:
            leftovers.append("rows in system.plugin_migrations")
    if leftovers:
        raise PluginInstallFailed(
            name,
            "checking for leftovers",
            f"{', '.join(leftovers)} already exist (kept by an earlier uninstall with keep_data,"
            " or not made by this platform); uninstall the plugin to remove them first",
        )


async def _register(connection: AsyncConnection, plugin: Plugin, actor: Actor | None) -> str:
    inserted = await connection.execute(
        text(
            "INSERT INTO system.plugin_registry (name, version, display_name, description,"
            " author, status, checksum, signature, manifest, installed_by)"
            " VALUES (:name, :version, :display_name, :description, :author, 'installed',"
            " :checksum, :signature, CAST(:manifest AS jsonb), CAST(:installed_by AS uuid))"
            " RETURNING id"
        ),
        {
            "name": plugin.name,
            "version": plugin.version,
            "display_name": plugin.display_name,
            "description": plugin.manifest_text("description"),
            "author": plugin.manifest_text("author"),
            "checksum": plugin.checksum,
            "signature": plugin.signature,
            "manifest": json.dumps(dict(plugin.manifest), default=str),
            "installed_by": actor.user_id if actor is not None else None,
        },
    )
    return str(inserted.scalar_one())


async def _undo(admin_engine: AsyncEngine, name: str, done: _Run) -> None:
    if done.role_and_schema:
        async with admin_engine.begin() as connection:
            await isolation.set_role_login(connection, name, False)
        async with admin_engine.connect() as connection:
            await isolation.terminate_backends(connection, name)
    async with admin_engine.begin() as connection:
        await isolation.lock_catalog(connection)
        if done.migrations:
            await connection.execute(
                text(
                    "DELETE FROM system.plugin_migrations"
                    " WHERE plugin_name = :name AND filename = ANY(:files)"
                ),
                {"name": name, "files": list(done.migrations)},
            )
        if done.role_and_schema:
            await isolation.drop_role_and_schema(connection, name)

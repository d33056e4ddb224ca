"""Resolvers of the plugins subgraph: each one calls the PluginHost and maps its errors."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import cast

import strawberry
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON
from strawberry.types import Info

from core import supergraph_versions as versions
from core.supergraph_versions import SupergraphVersion as StoredVersion
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.errors import AlthausError, NotFoundError
from subgraphs.plugins.engine import Actor, PluginEngineError
from subgraphs.plugins.lifecycle import registry
from subgraphs.plugins.lifecycle import settings as plugin_settings
from subgraphs.plugins.lifecycle.host import PluginHost, Uploaded
from subgraphs.plugins.lifecycle.registry import PluginRecord
from subgraphs.plugins.package import PluginPackageError
from subgraphs.plugins.runtime import PluginRuntimeError
from subgraphs.plugins.types import (
    PluginError,
    PluginHealth,
    PluginProblem,
    PluginStatus,
    PluginTask,
    PluginTaskRun,
    SupergraphSubgraph,
    SupergraphVersion,
    UploadedPlugin,
    User,
)

Ctx = Info[SubgraphContext, None]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def host_of(info: Ctx) -> PluginHost:
    found = getattr(info.context.request.app.state, "plugin_host", None)
    if not isinstance(found, PluginHost):
        raise AlthausError("the plugin engine is not running in this process")
    return found


def actor_of(info: Ctx) -> Actor:
    principal = info.context.principal
    request = info.context.request_context
    user_id = None
    if principal.sub:
        with contextlib.suppress(ValueError):
            user_id = str(uuid.UUID(principal.sub))
    return Actor(
        user_id=user_id,
        ip=request.ip,
        user_agent=request.user_agent,
        request_id=request.request_id or None,
    )


@contextlib.contextmanager
def coded() -> Iterator[None]:
    """Engine, package and runtime errors reach the client with their stable code."""
    try:
        yield
    except (PluginEngineError, PluginPackageError, PluginRuntimeError) as exc:
        error = AlthausError(str(getattr(exc, "message", None) or exc))
        error.code = getattr(exc, "code", "PLUGIN_ERROR")
        details = getattr(exc, "errors", None) or getattr(exc, "problems", None)
        if details:
            error.extensions["details"] = list(details)
        raise error from None


@strawberry.type
class Plugin:
    """An installed plugin: its package, state, health, settings and scheduled tasks."""

    record: strawberry.Private[PluginRecord]
    name: str
    version: str
    display_name: str
    description: str | None
    author: str | None
    status: PluginStatus
    checksum: str | None
    signature: str | None
    capabilities: list[str]
    tasks: list[PluginTask]
    error: PluginError | None
    installed_at: datetime | None
    updated_at: datetime | None
    activated_at: datetime | None

    @strawberry.field
    def health(self, info: Ctx) -> PluginHealth:
        state = host_of(info).health(self.name)
        return PluginHealth(
            running=bool(state.get("running")),
            state=str(state.get("state")),
            pid=state.get("pid"),
            restarts=int(state.get("restarts") or 0),
            last_exit=state.get("lastExit"),
            protections=cast(JSON, state.get("protections") or {}),
        )

    @strawberry.field(description="The last lines the plugin's process wrote to stderr.")
    def last_errors(self, info: Ctx) -> list[str]:
        return host_of(info).last_errors(self.name)

    @strawberry.field
    async def settings(self, info: Ctx) -> JSON:
        async with host_of(info).engine.connect() as conn:
            return cast(
                JSON, await plugin_settings.effective(conn, self.name, self.record.manifest)
            )

    @strawberry.field
    def settings_schema(self) -> JSON:
        return cast(JSON, plugin_settings.schema_of(self.record.manifest))

    @strawberry.field
    async def task_runs(self, info: Ctx, first: int = 20) -> list[PluginTaskRun]:
        return await _task_runs(info, self.name, None, first)


def plugin_of(record_: PluginRecord) -> Plugin:
    error = None
    if record_.error:
        details = record_.error.get("errors") or []
        error = PluginError(
            code=str(record_.error.get("code") or "PLUGIN_FAILED"),
            message=str(record_.error.get("message") or ""),
            details=[
                PluginProblem(code=str(d.get("code")), message=str(d.get("message")))
                for d in details
            ],
        )
    tasks = [
        PluginTask(name=t["name"], cron=t["cron"], function=t["function"])
        for t in record_.manifest.get("tasks") or []
        if isinstance(t, dict)
    ]
    return Plugin(
        record=record_,
        name=record_.name,
        version=record_.version,
        display_name=record_.display_name,
        description=record_.description,
        author=record_.author,
        status=PluginStatus(record_.status),
        checksum=record_.checksum,
        signature=record_.signature,
        capabilities=[str(c) for c in record_.manifest.get("capabilities") or []],
        tasks=tasks,
        error=error,
        installed_at=record_.installed_at,
        updated_at=record_.updated_at,
        activated_at=record_.activated_at,
    )


def _uploaded(found: Uploaded) -> UploadedPlugin:
    return UploadedPlugin(
        checksum=found.checksum,
        name=found.name,
        version=found.version,
        display_name=found.display_name,
        signed_by=found.publisher,
        installed_version=found.installed_version,
    )


def _version(stored: StoredVersion) -> SupergraphVersion:
    return SupergraphVersion(
        version=stored.version,
        hash=stored.hash,
        subgraphs=[SupergraphSubgraph(name=k, url=v) for k, v in sorted(stored.subgraphs.items())],
        created_by=User(id=strawberry.ID(stored.created_by)) if stored.created_by else None,
        reason=stored.reason,
        created_at=stored.created_at,
    )


async def _read_upload(file: Upload) -> bytes:
    reader = getattr(file, "read", None)
    if reader is None:
        raise AlthausError("file: expected an uploaded file (GraphQL multipart request)")
    data = reader(MAX_UPLOAD_BYTES + 1)
    if hasattr(data, "__await__"):
        data = await data
    if not isinstance(data, bytes):
        raise AlthausError("file: could not read the uploaded file")
    if len(data) > MAX_UPLOAD_BYTES:
        error = AlthausError(f"file: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
        error.code = "PAYLOAD_TOO_LARGE"
        raise error
    return data


# -- queries ----------------------------------------------------------------------------------


async def plugins(info: Ctx) -> list[Plugin]:
    async with host_of(info).engine.connect() as conn:
        return [plugin_of(r) for r in await registry.all_plugins(conn)]


async def plugin(info: Ctx, name: str) -> Plugin | None:
    async with host_of(info).engine.connect() as conn:
        found = await registry.find(conn, name)
    return plugin_of(found) if found else None


async def plugin_settings_of(info: Ctx, name: str) -> JSON:
    with coded():
        async with host_of(info).engine.connect() as conn:
            current = await registry.get(conn, name)
            return cast(JSON, await plugin_settings.effective(conn, name, current.manifest))


async def _task_runs(info: Ctx, name: str, task: str | None, first: int) -> list[PluginTaskRun]:
    from subgraphs.plugins.tasks.runs import list_runs

    limit = max(1, min(first, 200))
    async with host_of(info).engine.connect() as conn:
        runs = await list_runs(conn, name, task_name=task, limit=limit)
    return [
        PluginTaskRun(
            id=strawberry.ID(str(r.id)),
            plugin=r.plugin_name,
            task=r.task_name,
            scheduled_for=r.scheduled_for,
            started_at=r.started_at,
            finished_at=r.finished_at,
            status=r.status,
            duration_ms=r.duration_ms,
            error=r.error,
        )
        for r in runs
    ]


async def plugin_task_runs(
    info: Ctx, name: str, task: str | None = None, first: int = 20
) -> list[PluginTaskRun]:
    return await _task_runs(info, name, task, first)


async def supergraph_versions(info: Ctx, first: int = 20) -> list[SupergraphVersion]:
    async with host_of(info).engine.connect() as conn:
        found = await versions.history(conn, max(1, min(first, 200)))
    return [_version(v) for v in found]


# -- mutations --------------------------------------------------------------------------------


async def upload_plugin(info: Ctx, file: Upload, allow_unsigned: bool = False) -> UploadedPlugin:
    data = await _read_upload(file)
    with coded():
        uploaded = await host_of(info).upload(data, actor_of(info), allow_unsigned=allow_unsigned)
        return _uploaded(uploaded)


async def install_plugin(info: Ctx, checksum: str) -> Plugin:
    with coded():
        return plugin_of(await host_of(info).install(checksum, actor_of(info)))


async def activate_plugin(info: Ctx, name: str) -> Plugin:
    with coded():
        return plugin_of(await host_of(info).activate(name, actor_of(info)))


async def deactivate_plugin(info: Ctx, name: str) -> Plugin:
    with coded():
        return plugin_of(await host_of(info).deactivate(name, actor_of(info)))


async def uninstall_plugin(info: Ctx, name: str, keep_data: bool = False) -> bool:
    with coded():
        await host_of(info).uninstall(name, keep_data, actor_of(info))
    return True


async def update_plugin(
    info: Ctx, file: Upload | None = None, checksum: str | None = None
) -> Plugin:
    if (file is None) == (checksum is None):
        raise AlthausError("give exactly one of file (a new archive) or checksum (an upload)")
    host = host_of(info)
    with coded():
        if file is not None:
            checksum = (await host.upload(await _read_upload(file), actor_of(info))).checksum
        assert checksum is not None
        return plugin_of(await host.update(checksum, actor_of(info)))


async def update_plugin_settings(info: Ctx, name: str, settings: JSON) -> JSON:
    if not isinstance(settings, dict):
        raise AlthausError("settings: must be a JSON object")
    with coded():
        return cast(JSON, await host_of(info).update_settings(name, settings, actor_of(info)))


async def rollback_supergraph(info: Ctx, version: int) -> SupergraphVersion:
    with coded():
        return _version(await host_of(info).rollback(version, actor_of(info)))


def not_found(name: str) -> NotFoundError:
    return NotFoundError(f"plugin {name!r} is not installed")

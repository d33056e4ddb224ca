"""One-shot actions of a plugin (its SDL, a lifecycle hook, a task, an update): read from
ALTHAUS_PLUGIN_ACTION, performed once the sandbox is applied, the outcome one JSON line.

The outcome is the last line on stdout, `{"ok": true, "result": ...}` or `{"ok": false,
"code": ..., "error": ..., "source": ...}`; whatever the plugin prints goes to stderr. A
one-shot run never binds or removes the socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import json
import logging
import math
import os
import resource
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import asyncpg

from plugins.sdk.config import RunnerConfig, RunnerConfigError, plugin_version
from plugins.sdk.database import PluginConnection, libpq_url
from plugins.sdk.gateway import Gateway, gateway_for
from plugins.sdk.hooks import HOOKS, PluginContext
from plugins.sdk.package import import_package, schema_of

ACTION_VARIABLE = "ALTHAUS_PLUGIN_ACTION"
ACTION_FAILED_CODE = "PLUGIN_ACTION_FAILED"
IMPORT_FAILED_CODE = "PLUGIN_IMPORT_FAILED"
MIGRATION_FAILED_CODE = "PLUGIN_MIGRATION_FAILED"
DATABASE_UNAVAILABLE_CODE = "PLUGIN_DATABASE_UNAVAILABLE"
SDL_QUERY = "{ _service { sdl } }"
CPU_GRACE_SECONDS = 2
"""RLIMIT_CPU's hard limit is this much above the soft one: SIGXCPU first, SIGKILL after."""
LIFECYCLE_HOOKS = tuple(name for name in HOOKS if name != "update")
"""The hooks `{"action": "hook"}` runs; `update` has an action of its own."""

log = logging.getLogger("althaus.plugin")


class ActionError(Exception):
    """A one-shot action failed for a reason of the runner's making, not a plugin exception."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Migration:
    filename: str
    up: str


@dataclass(frozen=True)
class Action:
    """One one-shot action, read from ALTHAUS_PLUGIN_ACTION."""

    kind: str  # sdl | hook | task | update
    hook: str = ""
    keep_data: bool = False
    function: str = ""
    cpu_seconds: int = 0
    old_version: str = ""
    migrations: tuple[Migration, ...] = field(default_factory=tuple)


def read_action(raw: str) -> Action:
    """ALTHAUS_PLUGIN_ACTION, checked: `{"action": "sdl"}`, `{"action": "hook", "hook": ...,
    "keep_data": bool}`, `{"action": "task", "function": "tasks.f", "cpu_seconds": n}` or
    `{"action": "update", "old_version": ..., "migrations": [{"filename", "up"}, ...]}`."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RunnerConfigError(f"{ACTION_VARIABLE} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RunnerConfigError(f"{ACTION_VARIABLE} must be a JSON object")
    kind = data.get("action")
    if kind == "sdl":
        return Action("sdl")
    if kind == "hook":
        hook = data.get("hook")
        if hook not in LIFECYCLE_HOOKS:
            raise RunnerConfigError(f"hook must be one of {', '.join(LIFECYCLE_HOOKS)}")
        return Action("hook", hook=hook, keep_data=bool(data.get("keep_data", False)))
    if kind == "task":
        function = data.get("function")
        cpu_seconds = data.get("cpu_seconds")
        if not isinstance(function, str) or not all(function.split(".")):
            raise RunnerConfigError("task function must be a dotted name such as tasks.publish")
        if not isinstance(cpu_seconds, int) or isinstance(cpu_seconds, bool) or cpu_seconds < 1:
            raise RunnerConfigError("task cpu_seconds must be a positive integer")
        return Action("task", function=function, cpu_seconds=cpu_seconds)
    if kind == "update":
        old_version = data.get("old_version")
        migrations = data.get("migrations", [])
        if not isinstance(old_version, str) or not isinstance(migrations, list):
            raise RunnerConfigError("update needs old_version (string) and migrations (list)")
        read: list[Migration] = []
        for entry in migrations:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("filename"), str)
                and isinstance(entry.get("up"), str)
            ):
                raise RunnerConfigError("each migration must be {filename: str, up: str}")
            read.append(Migration(entry["filename"], entry["up"]))
        return Action("update", old_version=old_version, migrations=tuple(read))
    raise RunnerConfigError(f"unknown action {kind!r}: expected sdl, hook, task or update")


@contextlib.asynccontextmanager
async def plugin_connection(config: RunnerConfig) -> AsyncIterator[Any]:
    """One connection as the plugin's role, search_path its schema; None without a login."""
    if not config.database_url:
        yield None
        return
    try:
        connection = await asyncpg.connect(
            libpq_url(config.database_url),
            server_settings={"search_path": config.schema_name},
            connection_class=PluginConnection,
        )
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        reason = f"cannot connect as its role: {_one_line(exc)}"
        raise ActionError(DATABASE_UNAVAILABLE_CODE, reason) from exc
    try:
        yield connection
    finally:
        try:
            await connection.close(timeout=5)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            connection.terminate()


@contextlib.asynccontextmanager
async def plugin_gateway(config: RunnerConfig) -> AsyncIterator[Gateway | None]:
    """The plugin's Gateway for this action, closed after it; None without a URL and key."""
    gateway = gateway_for(config.gateway_url, config.gateway_key)
    try:
        yield gateway
    finally:
        if gateway is not None:
            await gateway.aclose()


async def call_plugin(function: Any, *args: Any) -> Any:
    """Call a plugin function, sync or async."""
    result = function(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


def limit_cpu(seconds: int) -> None:
    """RLIMIT_CPU: `seconds` more of CPU from now (what importing took is not counted), then
    SIGXCPU; SIGKILL CPU_GRACE_SECONDS later in case the plugin catches SIGXCPU."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + seconds
    hard = soft + CPU_GRACE_SECONDS
    _current_soft, current_hard = resource.getrlimit(resource.RLIMIT_CPU)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def resolve_function(package: ModuleType, dotted: str) -> Any:
    """`tasks.publish_due` -> `<package>.tasks.publish_due`."""
    module_path, _, attribute = dotted.rpartition(".")
    module = package
    if module_path:
        module = importlib.import_module(f"{package.__name__}.{module_path}")
    function = getattr(module, attribute, None)
    if not callable(function):
        raise ActionError(ACTION_FAILED_CODE, f"{package.__name__}.{dotted} is not a function")
    return function


async def perform(action: Action, config: RunnerConfig, package: ModuleType) -> Any:
    """Run one action; returns its result, raises what failed."""
    version = plugin_version(config.plugin_dir)
    if action.kind == "sdl":
        result = await schema_of(package, config.name).execute(SDL_QUERY)
        if result.errors or not result.data:
            raise ActionError(ACTION_FAILED_CODE, f"_service failed: {result.errors}")
        return result.data["_service"]["sdl"]
    if action.kind == "task":
        function = resolve_function(package, action.function)
        limit_cpu(action.cpu_seconds)
        async with plugin_connection(config) as connection, plugin_gateway(config) as gateway:
            context = PluginContext(config.name, version, config.settings, connection, gateway)
            return await call_plugin(function, context)
    hook_name = action.hook if action.kind == "hook" else "update"
    hook = getattr(package, hook_name, None)
    if hook is None and not action.migrations:
        return None  # a hook the plugin does not define has nothing to do
    arguments = {"uninstall": (action.keep_data,), "update": (action.old_version,)}
    async with plugin_connection(config) as connection, plugin_gateway(config) as gateway:
        context = PluginContext(config.name, version, config.settings, connection, gateway)
        # One transaction: an update's migrations and its hook commit together or not at all,
        # and a failing hook leaves nothing half-written.
        transaction = connection.transaction() if connection is not None else None
        async with transaction or contextlib.nullcontext():
            await run_migrations(connection, action.migrations)
            if hook is not None:
                await call_plugin(hook, context, *arguments.get(hook_name, ()))
    return None


async def run_migrations(connection: Any, migrations: Sequence[Migration]) -> None:
    if migrations and connection is None:
        raise ActionError(MIGRATION_FAILED_CODE, "migrations need a database login")
    for migration in migrations:
        try:
            await connection.execute(migration.up)
        except asyncpg.PostgresError as exc:
            raise ActionError(
                MIGRATION_FAILED_CODE, f"{migration.filename}: {_one_line(exc)}"
            ) from exc


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class ResultLine:
    """The one-shot's stdout, kept for its result line alone: from here on, file descriptor 1
    (print(), C extensions, child processes) writes to stderr."""

    def __init__(self) -> None:
        sys.stdout.flush()
        self.fd = os.dup(1)
        os.dup2(2, 1)

    def ok(self, result: Any) -> int:
        try:
            self._write({"ok": True, "result": result})
        except (ValueError, TypeError, RecursionError) as exc:  # e.g. a circular structure
            return self.failed(ACTION_FAILED_CODE, f"its result cannot be sent: {_one_line(exc)}")
        return 0

    def failed(self, code: str, error: str, *, source: str = "runner", status: int = 1) -> int:
        line = (error.strip().splitlines() or [code])[0]
        self._write({"ok": False, "code": code, "error": line, "source": source})
        return status

    def _write(self, payload: Mapping[str, Any]) -> None:
        sys.stdout.flush()
        data = (json.dumps(payload, default=str) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data) :]


def run_action(action: Action, config: RunnerConfig, output: ResultLine) -> int:
    """Import the plugin (the sandbox is already applied), perform the action, write its line."""
    try:
        package = import_package(config)
    except Exception as exc:
        print(f"{IMPORT_FAILED_CODE}: {config.name}: {_one_line(exc)}", file=sys.stderr)
        return output.failed(IMPORT_FAILED_CODE, f"{config.name}: {_one_line(exc)}", status=3)
    try:
        result = asyncio.run(perform(action, config, package))
    except ActionError as exc:
        return output.failed(exc.code, str(exc))
    except RunnerConfigError as exc:
        return output.failed(exc.code, str(exc), status=3)
    except (Exception, SystemExit) as exc:
        log.warning("plugin %s: %s failed", config.name, action.kind, exc_info=True)
        code = getattr(exc, "code", None)
        if isinstance(code, str) and code:
            return output.failed(code, _one_line(exc), source="plugin")
        return output.failed(ACTION_FAILED_CODE, _one_line(exc), source="plugin")
    return output.ok(result)

"""`python -m plugins.sdk.runner`: serve one plugin as its own federation subgraph, sandboxed, or
run one action of it (SDL, a lifecycle hook, a task, an update) and exit.

Reads only its environment (the supervisor in `subgraphs.plugins.runtime` sets it):
ALTHAUS_PLUGIN_NAME, ALTHAUS_PLUGIN_DIR, ALTHAUS_PLUGIN_SOCKET (Unix socket path),
ALTHAUS_PLUGIN_DATABASE_URL (its own role's login; may be empty), ALTHAUS_PLUGIN_TOKEN_KEY (hex
key derived for audience `plugin_<name>`), ALTHAUS_PLUGIN_SETTINGS (JSON object),
ALTHAUS_PLUGIN_LIMITS (JSON: memory_mb, nofile) and, for a one-shot run, ALTHAUS_PLUGIN_ACTION
(JSON: see `read_action`). Order matters: platform code is imported first, then the limits,
no_new_privs and Landlock are applied, and only then is the plugin imported, in both modes.

Serving: `/graphql` and the package's `routes` under `/http/`, both behind X-Internal-Token,
and `/health`. One-shot: the action's outcome is the last line on stdout, one JSON object,
`{"ok": true, "result": ...}` or `{"ok": false, "code": ..., "error": ..., "source": ...}`;
whatever the plugin prints goes to stderr. It never binds or removes the socket.

Exit codes: 0 served / action succeeded, 1 the action failed, 2 bad environment, 3 the plugin
cannot be imported or has no schema.
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
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import strawberry
import uvicorn
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.extensions import MaskErrors

from core.security import internal_token
from core.security.internal_token import InternalClaims, InternalTokenError
from plugins.sdk import http, sandbox
from plugins.sdk.hooks import HOOKS, PluginContext
from plugins.sdk.request import PluginRequest

CLAIMS_KEY = "althaus.plugin_claims"
UNAUTHENTICATED_CODE = "UNAUTHENTICATED_SUBGRAPH_REQUEST"
ROUTE_FAILED_CODE = "PLUGIN_ROUTE_FAILED"
ROUTE_NOT_FOUND_CODE = "PLUGIN_ROUTE_NOT_FOUND"
NOT_FOUND_MESSAGE = "No such route in this plugin."
FAILED_MESSAGE = "Unexpected error."
ACTION_FAILED_CODE = "PLUGIN_ACTION_FAILED"
IMPORT_FAILED_CODE = "PLUGIN_IMPORT_FAILED"
MIGRATION_FAILED_CODE = "PLUGIN_MIGRATION_FAILED"
DATABASE_UNAVAILABLE_CODE = "PLUGIN_DATABASE_UNAVAILABLE"
ACTION_VARIABLE = "ALTHAUS_PLUGIN_ACTION"
DEFAULT_MEMORY_MB = 256
FEDERATION_VERSION = "2.5"
SDL_QUERY = "{ _service { sdl } }"
CPU_GRACE_SECONDS = 2
"""RLIMIT_CPU's hard limit is this much above the soft one: SIGXCPU first, SIGKILL after."""
REPO_ROOT = Path(__file__).resolve().parents[2]

log = logging.getLogger("althaus.plugin")
LIFECYCLE_HOOKS = tuple(name for name in HOOKS if name != "update")
"""The hooks `{"action": "hook"}` runs; `update` has an action of its own."""


class RunnerConfigError(Exception):
    """The runner's environment is incomplete or malformed."""

    code = "PLUGIN_RUNNER_CONFIG"


class ActionError(Exception):
    """A one-shot action failed for a reason of the runner's making, not a plugin exception."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RunnerConfig:
    name: str
    plugin_dir: Path
    socket: Path
    database_url: str
    token_key: str
    settings: Mapping[str, Any]
    memory_mb: int
    nofile: int

    @property
    def audience(self) -> str:
        return f"plugin_{self.name}"

    @property
    def schema_name(self) -> str:
        return f"plugin_{self.name}"


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


def read_config(environ: Mapping[str, str]) -> RunnerConfig:
    """The runner's configuration from its environment; names what is missing or wrong."""

    def required(key: str) -> str:
        value = environ.get(key, "")
        if not value:
            raise RunnerConfigError(f"{key} is not set")
        return value

    try:
        settings = json.loads(environ.get("ALTHAUS_PLUGIN_SETTINGS") or "{}")
        limits = json.loads(environ.get("ALTHAUS_PLUGIN_LIMITS") or "{}")
    except json.JSONDecodeError as exc:
        raise RunnerConfigError(f"ALTHAUS_PLUGIN_SETTINGS/LIMITS is not JSON: {exc}") from None
    if not isinstance(settings, dict) or not isinstance(limits, dict):
        raise RunnerConfigError("ALTHAUS_PLUGIN_SETTINGS and ALTHAUS_PLUGIN_LIMITS must be objects")
    key = required("ALTHAUS_PLUGIN_TOKEN_KEY")
    try:
        if len(bytes.fromhex(key)) < internal_token.MIN_SECRET_BYTES:
            raise ValueError("too short")
    except ValueError:
        raise RunnerConfigError("ALTHAUS_PLUGIN_TOKEN_KEY must be 64+ hex characters") from None
    return RunnerConfig(
        name=required("ALTHAUS_PLUGIN_NAME"),
        plugin_dir=Path(required("ALTHAUS_PLUGIN_DIR")).resolve(),
        socket=Path(required("ALTHAUS_PLUGIN_SOCKET")),
        database_url=environ.get("ALTHAUS_PLUGIN_DATABASE_URL", ""),
        token_key=key,
        settings=settings,
        memory_mb=int(limits.get("memory_mb") or DEFAULT_MEMORY_MB),
        nofile=int(limits.get("nofile") or sandbox.DEFAULT_NOFILE),
    )


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


def plugin_version(plugin_dir: Path) -> str:
    """`version` from the plugin dir's plugin.yaml (the code being run), "" without one."""
    try:
        manifest = yaml.safe_load((plugin_dir / "plugin.yaml").read_text())
    except (OSError, yaml.YAMLError):
        return ""
    version = manifest.get("version") if isinstance(manifest, dict) else None
    return str(version) if version is not None else ""


def readable_paths(config: RunnerConfig) -> list[str]:
    """Where the plugin's process may read and execute: Python, the venv, the SDK, the plugin."""
    paths = {
        sys.prefix,
        sys.base_prefix,
        str(Path(sys.executable).resolve().parent.parent),
        str(REPO_ROOT / "plugins" / "sdk"),
        str(REPO_ROOT / "plugins" / "__init__.py"),
        str(REPO_ROOT / "core"),
        str(config.plugin_dir),
        "/usr",
        "/lib",
        "/lib64",
        "/lib32",
        "/etc/ssl",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/etc/hosts",
        "/etc/resolv.conf",
        "/etc/nsswitch.conf",
        "/etc/gai.conf",
        "/dev/urandom",
    }
    root = str(REPO_ROOT)
    for entry in sys.path:
        # Installed packages (site-packages) yes; the repository root itself (secrets in
        # `.data/`, the platform's own code) no.
        if entry and os.path.isdir(entry) and "site-packages" in entry:
            paths.add(entry)
    return sorted(path for path in paths if path != root)


def apply_sandbox(config: RunnerConfig) -> sandbox.Protections:
    report = sandbox.Protections()
    sandbox.apply_limits(config.memory_mb, config.nofile, report)
    sandbox.no_new_privileges(report)
    writable = [str(config.socket.parent), os.environ.get("HOME", ""), "/dev/null"]
    sandbox.restrict_filesystem(readable_paths(config), [p for p in writable if p], report)
    return report


def import_package(config: RunnerConfig) -> ModuleType:
    """The plugin's package, named like the plugin, from its plugin dir."""
    sys.path.insert(0, str(config.plugin_dir))
    return importlib.import_module(config.name)


def schema_of(package: ModuleType, name: str) -> strawberry.Schema:
    """The package's subgraph: `schema`, or `Query` (+ `Mutation`, `types`) made into a
    Federation 2 schema."""
    schema = getattr(package, "schema", None)
    if isinstance(schema, strawberry.Schema):
        return schema
    query = getattr(package, "Query", None)
    if query is None:
        raise RunnerConfigError(f"plugin {name!r} exposes neither `schema` nor `Query`")
    return strawberry.federation.Schema(
        query=query,
        mutation=getattr(package, "Mutation", None),
        types=list(getattr(package, "types", ())),
        extensions=[_masking],
        federation_version=FEDERATION_VERSION,  # type: ignore[arg-type]
    )


def load_schema(config: RunnerConfig) -> strawberry.Schema:
    """Import the plugin's package and build its subgraph (see `schema_of`)."""
    return schema_of(import_package(config), config.name)


def _masking() -> MaskErrors:
    return MaskErrors(should_mask_error=_unexpected)


def _unexpected(error: Any) -> bool:
    """Errors a plugin raises on purpose carry a `code`; anything else is masked for clients."""
    original = getattr(error, "original_error", None)
    return original is not None and not hasattr(original, "code")


class RunnerState:
    def __init__(self, config: RunnerConfig, protections: sandbox.Protections) -> None:
        self.config = config
        self.protections = protections
        self.pool: Any = None

    def plugin_request(self, claims: InternalClaims) -> PluginRequest:
        return PluginRequest(
            name=self.config.name,
            principal=claims.principal,
            context=claims.context,
            settings=self.config.settings,
            pool=self.pool,
        )


class PluginGraphQL(GraphQL[PluginRequest, None]):
    def __init__(self, schema: strawberry.Schema, state: RunnerState) -> None:
        super().__init__(schema, graphql_ide=None, multipart_uploads_enabled=True)
        self.state = state

    async def get_context(self, request: Any, response: Any) -> PluginRequest:
        return self.state.plugin_request(request.scope[CLAIMS_KEY])


class RequireInternalToken:
    """401 for any request without a valid token for audience `plugin_<name>`; the verified
    claims are left in the scope under CLAIMS_KEY."""

    def __init__(self, app: ASGIApp, config: RunnerConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            try:
                scope[CLAIMS_KEY] = internal_token.verify(
                    request.headers.get(internal_token.HEADER),
                    self.config.audience,
                    self.config.token_key,
                    derived_key=True,
                )
            except InternalTokenError as exc:
                body = {
                    "errors": [{"message": str(exc), "extensions": {"code": UNAUTHENTICATED_CODE}}]
                }
                await JSONResponse(body, status_code=401)(scope, receive, send)
                return
        elif scope["type"] != "lifespan":
            return
        await self.app(scope, receive, send)


def _route_error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _route_not_found(request: Request, exc: Exception) -> Response:
    return _route_error(ROUTE_NOT_FOUND_CODE, NOT_FOUND_MESSAGE, 404)


async def _route_failed(request: Request, exc: Exception) -> Response:
    # Logged before the 500 is sent: the traceback is in the plugin's stderr.log by the time
    # the client has its answer. The client never sees it.
    log.error("route %s %s failed", request.method, request.url.path, exc_info=exc)
    return _route_error(ROUTE_FAILED_CODE, FAILED_MESSAGE, 500)


class PluginRoutes:
    """The package's `routes`, mounted under `/http` behind RequireInternalToken: each request
    gets its PluginRequest at `scope[plugins.sdk.http.SCOPE_KEY]`; an unexpected exception
    becomes a masked 500 (logged to stderr, never sent to the client)."""

    def __init__(self, routes: Sequence[BaseRoute] | None, state: RunnerState) -> None:
        self.state = state
        self.app: ASGIApp | None = None
        if routes:
            self.app = Starlette(
                routes=list(routes),
                exception_handlers={404: _route_not_found, Exception: _route_failed},
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if self.app is None:
            await _route_error(ROUTE_NOT_FOUND_CODE, NOT_FOUND_MESSAGE, 404)(scope, receive, send)
            return
        scope[http.SCOPE_KEY] = self.state.plugin_request(scope[CLAIMS_KEY])
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            # Starlette re-raises after `_route_failed` has logged it and answered; it stops here
            # so the server does not log it twice.
            if not started:
                response = await _route_failed(Request(scope), exc)
                await response(scope, receive, send)


class PluginConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled connection of a plugin's role, which may not call pg_advisory_unlock_all (the
    engine revokes advisory locks from plugin roles): released without it."""

    def get_reset_query(self) -> str:
        return "CLOSE ALL;\nUNLISTEN *;\nRESET ALL;"


def libpq_url(url: str) -> str:
    """`postgresql+asyncpg://...` (SQLAlchemy's form) -> `postgresql://...` (asyncpg's)."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql://{rest}" if sep and scheme.startswith("postgres") else url


def build_app(schema: strawberry.Schema, state: RunnerState, package: Any = None) -> Starlette:
    async def health(request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "plugin": state.config.name,
                "pid": os.getpid(),
                "protections": state.protections.as_dict(),
            }
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if state.config.database_url:
            state.pool = await asyncpg.create_pool(
                libpq_url(state.config.database_url),
                min_size=0,
                max_size=2,
                server_settings={"search_path": state.config.schema_name},
                connection_class=PluginConnection,
            )
        try:
            yield
        finally:
            if state.pool is not None:
                await state.pool.close()

    graphql = RequireInternalToken(PluginGraphQL(schema, state), state.config)
    routes = RequireInternalToken(
        PluginRoutes(getattr(package, "routes", None), state), state.config
    )
    return Starlette(
        routes=[
            Route("/health", health),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount("/http", app=routes),
        ],
        lifespan=lifespan,
    )


# One-shot actions --------------------------------------------------------------------------


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
        async with plugin_connection(config) as connection:
            context = PluginContext(config.name, version, config.settings, connection)
            return await call_plugin(function, context)
    hook_name = action.hook if action.kind == "hook" else "update"
    hook = getattr(package, hook_name, None)
    if hook is None and not action.migrations:
        return None  # a hook the plugin does not define has nothing to do
    arguments = {"uninstall": (action.keep_data,), "update": (action.old_version,)}
    async with plugin_connection(config) as connection:
        context = PluginContext(config.name, version, config.settings, connection)
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


def serve(config: RunnerConfig, protections: sandbox.Protections) -> int:
    try:
        package = import_package(config)
        schema = schema_of(package, config.name)
    except RunnerConfigError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:
        print(f"{IMPORT_FAILED_CODE}: {config.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    state = RunnerState(config, protections)
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(schema, state, package),
            uds=str(config.socket),
            log_level="warning",
            lifespan="on",
            access_log=False,
        )
    )
    asyncio.run(server.serve())
    return 0


def main() -> int:
    raw_action = os.environ.get(ACTION_VARIABLE)
    output = ResultLine() if raw_action is not None else None
    try:
        config = read_config(os.environ)
        action = read_action(raw_action) if raw_action is not None else None
    except RunnerConfigError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return output.failed(exc.code, str(exc), status=2) if output is not None else 2
    # The plugin's code gets its pool from the context, not these from the environment.
    for key in ("ALTHAUS_PLUGIN_TOKEN_KEY", "ALTHAUS_PLUGIN_DATABASE_URL"):
        os.environ.pop(key, None)
    protections = apply_sandbox(config)
    if action is not None and output is not None:
        return run_action(action, config, output)
    return serve(config, protections)


if __name__ == "__main__":
    sys.exit(main())

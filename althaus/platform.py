"""Wiring of the platform: settings for commands, service factories, the one-process dev app."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import click
from sqlalchemy.exc import DBAPIError, ProgrammingError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from core.config import CORE_SUBGRAPHS, GATEWAY_PORT, Settings
from core.resources import Resources

T = TypeVar("T")

DEV_FIRST_LOAD_SECONDS = 15.0

SERVICES: dict[str, int] = {"gateway": GATEWAY_PORT, **CORE_SUBGRAPHS}
"""Every service `althaus serve` runs, with its default port (DESIGN.md, "Names and ports")."""


class CommandFailedError(click.ClickException):
    """A command could not do its work; printed as one line, exit code 1."""

    code = "COMMAND_FAILED"
    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"althaus: {self.message}", err=True)


class ServiceUnavailableError(CommandFailedError):
    """A service whose code is not in this build yet."""

    code = "SERVICE_NOT_AVAILABLE"


class DatabaseUnavailableError(CommandFailedError):
    """The database cannot be reached, or has not been migrated."""

    code = "DATABASE_UNAVAILABLE"


def exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM end the process through SystemExit, so that atexit handlers run.

    uvicorn shuts down gracefully on SIGTERM and then raises the signal again; with Python's
    default handler that kills the process before atexit runs, and the embedded PostgreSQL and
    Redis (stopped by the last process holding them, at exit) would be left running.
    """
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def run_database_task(task: Coroutine[Any, Any, T], database_url: str | None) -> T:
    """Run a command's database work; connection and schema problems become one clear line."""
    where = display_url(database_url)
    try:
        return asyncio.run(task)
    except ProgrammingError as exc:
        if isinstance(exc.orig, Exception) and "does not exist" in str(exc.orig):
            raise DatabaseUnavailableError(
                f"the database at {where} has no Althaus tables yet: run `althaus migrate`"
            ) from None
        raise DatabaseUnavailableError(f"database error at {where}: {_first_line(exc)}") from None
    except (DBAPIError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise DatabaseUnavailableError(
            f"cannot use the database at {where}: {_first_line(exc)}"
        ) from None


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def display_url(url: str | None) -> str:
    """A connection URL with any password masked, safe to print."""
    if not url:
        return "(unset)"
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in credentials else f"{user}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def subgraph_factory(name: str) -> Callable[..., Starlette]:
    """`subgraphs.<name>.app.create_app(settings, resources=None)`, imported on demand."""
    module_name = f"subgraphs.{name}.app"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise ServiceUnavailableError(
                f"the {name} subgraph is not part of this build yet ({module_name} is missing)"
            ) from None
        raise
    factory: Callable[..., Starlette] = module.create_app
    return factory


def available_subgraphs() -> list[str]:
    """The core subgraphs whose code is present, in port order."""
    names: list[str] = []
    for name in CORE_SUBGRAPHS:
        try:
            subgraph_factory(name)
        except ServiceUnavailableError:
            continue
        names.append(name)
    return names


def create_service_app(name: str, settings: Settings) -> Any:
    """The ASGI app of one service, as `althaus serve <name>` runs it."""
    if name == "gateway":
        return create_gateway_service(settings)
    if name == "plugins":
        from subgraphs.plugins.lifecycle.host import HostOptions

        # Gateways may run on other machines: they reach the plugins through this service's
        # plugin relay, so the stored versions name the relay, not the plugins' Unix sockets.
        options = HostOptions(relay_base_url=plugins_base_url(settings))
        return subgraph_factory(name)(
            settings, core_subgraphs=core_subgraphs(settings), options=options
        )
    return subgraph_factory(name)(settings)


def plugins_base_url(settings: Settings) -> str:
    """Where gateways reach the plugins subgraph: `SUBGRAPH_PLUGINS_URL` without its final
    `/graphql`, else `http://127.0.0.1:4004`."""
    return settings.subgraph_url("plugins").removesuffix("/graphql").rstrip("/")


def core_subgraphs(settings: Settings, *, in_process: bool = False) -> Callable[..., Any]:
    """What the plugin host composes plugins with: each core subgraph of this build, with the
    SDL it answers to `_service { sdl }` and the URL gateways reach it at."""

    async def definitions() -> list[Any]:
        from supergraph.compose import SubgraphDefinition

        found = []
        for name in available_subgraphs():
            schema = importlib.import_module(f"subgraphs.{name}.schema").schema
            if in_process and name not in settings.subgraph_urls:
                url = f"http://127.0.0.1:{settings.port}/subgraphs/{name}/graphql"
            else:
                url = settings.subgraph_url(name)
            found.append(SubgraphDefinition(name=name, url=url, sdl=schema.as_str()))
        return found

    return definitions


def create_gateway_service(settings: Settings) -> Any:
    """The gateway over the configured subgraph URLs (`SUBGRAPH_<NAME>_URL`)."""
    try:
        http = importlib.import_module("supergraph.http")
    except ModuleNotFoundError:
        raise ServiceUnavailableError(
            "the gateway HTTP app is not part of this build yet (supergraph.http is missing)"
        ) from None
    gateway = _build_gateway(settings)
    # The gateway follows the stored supergraph versions (falling back to composing from the
    # configured subgraphs while there are none); its own pool and Redis client, closed on exit.
    resources = Resources.build(settings)
    source = _stored_source(resources)
    gateway.source = source

    async def close_resources() -> None:
        await source.close()
        await resources.close()

    return http.create_gateway_app(
        settings, gateway, on_shutdown=[close_resources], revocations=_revocations(resources)
    )


def _revocations(resources: Resources) -> Any:
    """What refuses the access tokens of deactivated users, followed over this Redis."""
    from core.security.revocations import RevocationFollower

    return RevocationFollower(resources.redis, resources.settings)


def _stored_source(resources: Resources) -> Any:
    from supergraph.sources import StoredSupergraphSource

    return StoredSupergraphSource(resources.engine, resources.redis, resources.settings)


def _build_gateway(settings: Settings) -> Any:
    try:
        module = importlib.import_module("supergraph.gateway")
    except ModuleNotFoundError:
        raise ServiceUnavailableError("supergraph.gateway is not part of this build yet") from None
    builder = getattr(module, "create_gateway", None)
    if builder is None:
        raise ServiceUnavailableError(
            "supergraph.gateway has no create_gateway(settings) yet; the gateway cannot start"
        )
    if not settings.subgraph_urls:
        # No SUBGRAPH_<NAME>_URL given: compose the core subgraphs this build has, at their
        # default ports, rather than wait forever for ones that do not exist yet.
        urls = {name: settings.subgraph_url(name) for name in available_subgraphs()}
        settings = settings.with_(subgraph_urls=urls)
    return builder(settings)


def _in_process_gateway(
    settings: Settings, mounted: dict[str, Any], resources: Resources | None = None
) -> tuple[Any, Any]:
    from supergraph.auth.users_service import UsersService
    from supergraph.gateway import Gateway, compose_from_subgraphs
    from supergraph.http import create_gateway_app
    from supergraph.transport.asgi import AsgiTransport

    transports = {
        name: AsgiTransport(name, app, settings.subgraph_timeout(name))
        for name, app in mounted.items()
    }
    # With resources, the gateway serves the latest stored supergraph version and follows new
    # ones (in-process transports still win by name); with none stored, it composes on start.
    gateway = Gateway(
        settings,
        transports=transports,
        loader=compose_from_subgraphs(settings, transports),
        source=_stored_source(resources) if resources is not None else None,
    )
    users = UsersService("http://users", app=mounted["users"]) if "users" in mounted else None
    revocations = _revocations(resources) if resources is not None else None
    return gateway, create_gateway_app(
        settings, gateway, users=users, close_gateway=False, revocations=revocations
    )


def create_dev_app(settings: Settings, *, plugin_options: Any = None) -> Starlette:
    """Everything in one process: the gateway at `/graphql` over every subgraph, called
    in-process; each subgraph also at `/subgraphs/<name>/`, all sharing one Resources.

    One Resources (one pool) is handed to every subgraph app and closed by this app's lifespan;
    mounted apps' own lifespans do not run, so they never open pools of their own.
    """
    resources = Resources.build(settings)
    names = available_subgraphs()
    routes: list[BaseRoute] = []
    mounted: dict[str, Any] = {}
    for name in names:
        extra: dict[str, Any] = {}
        if name == "plugins":
            extra["core_subgraphs"] = core_subgraphs(resources.settings, in_process=True)
            extra["options"] = plugin_options
        app = subgraph_factory(name)(resources.settings, resources=resources, **extra)
        mounted[name] = app
        routes.append(Mount(f"/subgraphs/{name}", app=app))

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "subgraphs": names})

    routes.insert(0, Route("/health", health, methods=["GET"]))

    # The gateway at /graphql calls the mounted subgraphs in-process (ASGI), through the same
    # planner, executor and X-Internal-Token path as over HTTP; it composes their SDLs on start.
    gateway, gateway_app = _in_process_gateway(resources.settings, mounted, resources)
    routes.append(Mount("/", app=gateway_app))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Mounted apps' lifespans do not run: start and stop the plugin host and the gateway
        # from here.
        plugins = mounted.get("plugins")
        if plugins is not None:
            await plugins.state.plugin_host.start()
        revocations = gateway_app.state.revocations
        await revocations.start()
        await gateway.start()
        # The subgraphs are in this process, so the first supergraph is only a moment away:
        # serve once it is there (readiness says 503 meanwhile if it takes longer).
        if not await gateway.wait_loaded(DEV_FIRST_LOAD_SECONDS):
            logging.getLogger(__name__).warning(
                "no supergraph loaded yet; the gateway answers 503 until one is"
            )
        try:
            yield
        finally:
            await gateway.close()
            if plugins is not None:
                await plugins.state.plugin_host.close()
            await revocations.close()
            await gateway_app.state.users.close()
            await resources.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.subgraphs = mounted
    app.state.resources = resources
    return app

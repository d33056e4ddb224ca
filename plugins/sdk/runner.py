"""`python -m plugins.sdk.runner`: serve one plugin as its own federation subgraph, sandboxed.

Reads only its environment (the supervisor in `subgraphs.plugins.runtime` sets it):
ALTHAUS_PLUGIN_NAME, ALTHAUS_PLUGIN_DIR, ALTHAUS_PLUGIN_SOCKET (Unix socket path),
ALTHAUS_PLUGIN_DATABASE_URL (its own role's login; may be empty), ALTHAUS_PLUGIN_TOKEN_KEY (hex
key derived for audience `plugin_<name>`), ALTHAUS_PLUGIN_SETTINGS (JSON object) and
ALTHAUS_PLUGIN_LIMITS (JSON: memory_mb, nofile). Order matters: platform code is imported first,
then the limits, no_new_privs and Landlock are applied, and only then is the plugin imported.

Exit codes: 2 bad environment, 3 the plugin cannot be imported or has no schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.extensions import MaskErrors

from core.security import internal_token
from core.security.internal_token import InternalClaims, InternalTokenError
from plugins.sdk import sandbox
from plugins.sdk.request import PluginRequest

CLAIMS_KEY = "althaus.plugin_claims"
UNAUTHENTICATED_CODE = "UNAUTHENTICATED_SUBGRAPH_REQUEST"
DEFAULT_MEMORY_MB = 256
FEDERATION_VERSION = "2.5"
REPO_ROOT = Path(__file__).resolve().parents[2]


class RunnerConfigError(Exception):
    """The runner's environment is incomplete or malformed."""

    code = "PLUGIN_RUNNER_CONFIG"


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


def load_schema(config: RunnerConfig) -> strawberry.Schema:
    """Import the plugin's package and build its subgraph: `schema`, or `Query` (+ `Mutation`,
    `types`) made into a Federation 2 schema."""
    sys.path.insert(0, str(config.plugin_dir))
    package = importlib.import_module(config.name)
    schema = getattr(package, "schema", None)
    if isinstance(schema, strawberry.Schema):
        return schema
    query = getattr(package, "Query", None)
    if query is None:
        raise RunnerConfigError(f"plugin {config.name!r} exposes neither `schema` nor `Query`")
    return strawberry.federation.Schema(
        query=query,
        mutation=getattr(package, "Mutation", None),
        types=list(getattr(package, "types", ())),
        extensions=[_masking],
        federation_version=FEDERATION_VERSION,  # type: ignore[arg-type]
    )


def _masking() -> MaskErrors:
    return MaskErrors(should_mask_error=_unexpected)


def _unexpected(error: Any) -> bool:
    """Errors a plugin raises on purpose carry a `code`; anything else is masked for clients."""
    original = getattr(error, "original_error", None)
    return original is not None and not hasattr(original, "code")


class PluginGraphQL(GraphQL[PluginRequest, None]):
    def __init__(self, schema: strawberry.Schema, state: RunnerState) -> None:
        super().__init__(schema, graphql_ide=None)
        self.state = state

    async def get_context(self, request: Any, response: Any) -> PluginRequest:
        claims: InternalClaims = request.scope[CLAIMS_KEY]
        return PluginRequest(
            name=self.state.config.name,
            principal=claims.principal,
            context=claims.context,
            settings=self.state.config.settings,
            pool=self.state.pool,
        )


class RunnerState:
    def __init__(self, config: RunnerConfig, protections: sandbox.Protections) -> None:
        self.config = config
        self.protections = protections
        self.pool: Any = None


class RequireInternalToken:
    """401 for any `/graphql` request without a valid token for audience `plugin_<name>`."""

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


class PluginConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled connection of a plugin's role, which may not call pg_advisory_unlock_all (the
    engine revokes advisory locks from plugin roles): released without it."""

    def get_reset_query(self) -> str:
        return "CLOSE ALL;\nUNLISTEN *;\nRESET ALL;"


def libpq_url(url: str) -> str:
    """`postgresql+asyncpg://...` (SQLAlchemy's form) -> `postgresql://...` (asyncpg's)."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql://{rest}" if sep and scheme.startswith("postgres") else url


def build_app(schema: strawberry.Schema, state: RunnerState) -> Starlette:
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
            schema_name = f"plugin_{state.config.name}"
            state.pool = await asyncpg.create_pool(
                libpq_url(state.config.database_url),
                min_size=0,
                max_size=2,
                server_settings={"search_path": schema_name},
                connection_class=PluginConnection,
            )
        try:
            yield
        finally:
            if state.pool is not None:
                await state.pool.close()

    graphql = RequireInternalToken(PluginGraphQL(schema, state), state.config)
    return Starlette(
        routes=[Route("/health", health), Route("/graphql", graphql, methods=["GET", "POST"])],
        lifespan=lifespan,
    )


def main() -> int:
    try:
        config = read_config(os.environ)
    except RunnerConfigError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return 2
    # The plugin's code gets its pool from the context, not these from the environment.
    for key in ("ALTHAUS_PLUGIN_TOKEN_KEY", "ALTHAUS_PLUGIN_DATABASE_URL"):
        os.environ.pop(key, None)
    protections = apply_sandbox(config)
    try:
        schema = load_schema(config)
    except RunnerConfigError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:
        print(f"PLUGIN_IMPORT_FAILED: {config.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    state = RunnerState(config, protections)
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(schema, state),
            uds=str(config.socket),
            log_level="warning",
            lifespan="on",
            access_log=False,
        )
    )
    asyncio.run(server.serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())

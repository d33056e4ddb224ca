"""A shipped plugin for a test session: installed in the run's database and served by its own
sandboxed process, and a client that reaches it the way the gateway does."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import orjson

from core.resources import Resources
from core.security import internal_token
from core.security.principal import Principal, RequestContext
from subgraphs.plugins.engine import Plugin, PluginNotInstalled, install, role_url, uninstall
from subgraphs.plugins.package import VerifiedPlugin
from subgraphs.plugins.runtime import PluginProcess, ProcessSpec
from supergraph.transport.http import HttpTransport


@asynccontextmanager
async def installed(
    resources: Resources, database_url: str, secret: str, verified: VerifiedPlugin
) -> AsyncIterator[str]:
    """Install the verified package; its role is server-wide, so what an earlier crashed run
    left is uninstalled first. Yields the plugin role's database URL; uninstalls at the end."""
    name = verified.manifest.name
    try:
        await uninstall(resources.engine, name)
    except PluginNotInstalled:
        pass
    await install(resources.engine, database_url, Plugin.from_verified(verified), secret=secret)
    try:
        yield role_url(database_url, name, secret)
    finally:
        await uninstall(resources.engine, name)


@contextmanager
def private_dir(prefix: str) -> Iterator[Path]:
    """A private, short path (a Unix socket path is limited to 108 bytes)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@asynccontextmanager
async def served(
    name: str,
    plugin_dir: Path,
    runtime_dir: Path,
    *,
    secret: str,
    database_url: str,
    settings: Mapping[str, Any],
) -> AsyncIterator[PluginProcess]:
    """The plugin's own sandboxed process, ready, and always stopped at the end."""
    spec = ProcessSpec.for_plugin(
        name,
        plugin_dir,
        runtime_dir,
        platform_secret=secret,
        database_url=database_url,
        settings=dict(settings),
    )
    process = PluginProcess(spec)
    try:
        await process.start()
        await process.wait_ready(30)
        yield process
    finally:
        await process.stop(grace=2)


class PluginClient:
    """Queries a plugin the way the gateway does: HttpTransport over its Unix socket, with a
    token minted from the platform secret for audience `plugin_<name>`."""

    def __init__(self, process: PluginProcess, secret: str) -> None:
        self.process = process
        self.secret = secret

    def token(self, principal: Principal | None, context: RequestContext | None = None) -> str:
        return internal_token.mint(
            principal or Principal.guest(), self.process.spec.audience, self.secret, context
        )

    async def ask(
        self, document: str, principal: Principal | None = None, **variables: Any
    ) -> dict[str, Any]:
        spec = self.process.spec
        transport = HttpTransport(spec.audience, spec.url, timeout=20)
        try:
            raw = await transport.send(
                orjson.dumps({"query": document, "variables": variables}),
                {"content-type": "application/json", internal_token.HEADER: self.token(principal)},
            )
        finally:
            await transport.close()
        result: dict[str, Any] = orjson.loads(raw)
        return result

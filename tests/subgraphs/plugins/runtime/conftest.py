"""Fixtures for the plugin runtime: a platform secret, private runtime dirs, and started plugin
processes that are always stopped (SIGTERM, then SIGKILL) and cleaned up at the end."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio

from core.security import internal_token
from core.security.principal import Principal
from subgraphs.plugins.runtime import PluginProcess, ProcessSpec
from supergraph.transport.http import HttpTransport

FIXTURES = Path(__file__).resolve().parents[3] / "plugins" / "fixtures"

Start = Callable[..., Awaitable[PluginProcess]]


@pytest.fixture
def platform_secret() -> str:
    return secrets.token_hex(32)


@pytest.fixture
def runtime_dirs() -> Iterator[Callable[[], Path]]:
    """Fresh private runtime dirs (short paths: a Unix socket path is limited to 108 bytes)."""
    made: list[Path] = []

    def make() -> Path:
        path = Path(tempfile.mkdtemp(prefix="althaus-rt-"))
        made.append(path)
        return path

    yield make
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


def fixture_spec(name: str, runtime_dir: Path, secret: str, **options: Any) -> ProcessSpec:
    return ProcessSpec.for_plugin(
        name, FIXTURES / name, runtime_dir, platform_secret=secret, **options
    )


@pytest_asyncio.fixture
async def start_plugin(
    platform_secret: str, runtime_dirs: Callable[[], Path]
) -> AsyncIterator[Start]:
    """Start a plugin process from a spec (or a fixture plugin's name) and wait until it serves."""
    started: list[PluginProcess] = []

    async def start(spec_or_name: ProcessSpec | str, **options: Any) -> PluginProcess:
        spec = (
            fixture_spec(spec_or_name, runtime_dirs(), platform_secret, **options)
            if isinstance(spec_or_name, str)
            else spec_or_name
        )
        process = PluginProcess(spec)
        started.append(process)
        await process.start()
        await process.wait_ready(30)
        return process

    yield start
    for process in started:
        await process.stop(grace=2)


async def query(
    process: PluginProcess,
    document: str,
    secret: str,
    *,
    variables: dict[str, Any] | None = None,
    principal: Principal | None = None,
) -> dict[str, Any]:
    """Send `document` the way the gateway does: HttpTransport over the Unix socket, with a token
    minted from the platform secret for the plugin's audience."""
    transport = HttpTransport(process.spec.audience, process.spec.url, timeout=20)
    token = internal_token.mint(principal or Principal(), process.spec.audience, secret)
    try:
        raw = await transport.send(
            orjson.dumps({"query": document, "variables": variables or {}}),
            {"content-type": "application/json", internal_token.HEADER: token},
        )
    finally:
        await transport.close()
    result: dict[str, Any] = orjson.loads(raw)
    return result

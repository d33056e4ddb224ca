"""The platform as separate services: `althaus serve users|system|plugins|gateway`, each a real
process on its own loopback port, as on a private network where gateways do not share the
plugins' machine.

A plugin installed and activated with the `althaus plugin` commands answers through the
gateway, which reaches it over HTTP through the plugins subgraph's relay (the stored version
names `<plugins>/plugins/<name>/graphql`, never a Unix socket), for GraphQL and for its HTTP
routes; deactivating it removes its field from the gateway that follows the stored versions,
and uninstalling it cleans up. The plugin has a name of its own (not `blog`, whose role other
suites use) and is uninstalled whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy import text

from core import supergraph_versions as versions
from core.config import Settings
from core.resources import Resources
from subgraphs.plugins.engine import PluginNotInstalled, uninstall
from tests.althaus.commands.test_plugin_shell import (
    ALTHAUS,
    START_SECONDS,
    _environment,
    _free_port,
    _kill_plugin_processes_under,
    _listed,
    _short_temp_dir,
    _stop,
    _until,
    run_althaus,
)

SERVICES = ("users", "system", "plugins", "gateway")

PING_ROUTE = """

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from plugins.sdk.http import plugin_request


async def ping(request: Request) -> JSONResponse:
    context = plugin_request(request)
    return JSONResponse(
        {
            "kind": context.principal.kind,
            "method": request.method,
            "query": request.url.query,
            "body": (await request.body()).decode(),
        }
    )


routes = [Route("/ping", ping, methods=["GET", "POST"])]
"""


@dataclass
class Topology:
    """Four services, each its own process, and the environment the commands share with them."""

    urls: dict[str, str]
    env: dict[str, str]
    data_dir: Path

    @property
    def gateway(self) -> str:
        return self.urls["gateway"]

    def logs(self) -> str:
        tails = []
        for service in SERVICES:
            log = self.data_dir / f"{service}.log"
            if log.is_file():
                tails.append(f"--- {service} ---\n{log.read_text(errors='replace')[-2500:]}")
        return "\n".join(tails)

    async def graphql(self, query: str) -> Any:
        async with httpx.AsyncClient(base_url=self.gateway, timeout=30) as client:
            return (await client.post("/graphql", json={"query": query})).json()


async def _start(service: str, port: int, env: dict[str, str], data_dir: Path) -> Any:
    with (data_dir / f"{service}.log").open("wb") as log:
        return await asyncio.create_subprocess_exec(
            *ALTHAUS,
            "serve",
            service,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            cwd=data_dir,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def _wait_ready(processes: dict[str, Any], topology: Topology) -> None:
    """Until the gateway's `/ready` says 200: a stored version loaded, every subgraph up."""
    deadline = asyncio.get_running_loop().time() + START_SECONDS
    last = ""
    async with httpx.AsyncClient(base_url=topology.gateway, timeout=5) as client:
        while True:
            exited = [name for name, p in processes.items() if p.returncode is not None]
            if exited:
                raise AssertionError(f"{exited} exited:\n{topology.logs()}")
            with contextlib.suppress(httpx.HTTPError):
                answer = await client.get("/ready")
                if answer.status_code == 200:
                    return
                last = answer.text
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"gateway not ready in {START_SECONDS} s ({last}):\n{topology.logs()}"
                )
            await asyncio.sleep(0.2)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def topology(settings: Settings) -> AsyncIterator[Topology]:
    data_dir = _short_temp_dir()
    ports = {service: _free_port() for service in SERVICES}
    urls = {service: f"http://127.0.0.1:{port}" for service, port in ports.items()}
    env = _environment(settings, data_dir, ports["gateway"])
    for service in SERVICES:
        if service != "gateway":
            env[f"SUBGRAPH_{service.upper()}_URL"] = f"{urls[service]}/graphql"
    topology = Topology(urls, env, data_dir)
    processes: dict[str, Any] = {}
    try:
        for service in SERVICES:
            processes[service] = await _start(service, ports[service], env, data_dir)
        await _wait_ready(processes, topology)
        yield topology
    finally:
        for process in reversed(processes.values()):
            await _stop(process)
        _kill_plugin_processes_under(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest_asyncio.fixture(loop_scope="session")
async def workdir() -> AsyncIterator[Path]:
    folder = _short_temp_dir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def test_a_plugin_served_by_serve_plugins_answers_through_a_separate_gateway(
    topology: Topology, resources: Resources, workdir: Path
) -> None:
    name = f"topo{uuid.uuid4().hex[:6]}"
    field = f"{name}Hello"  # the scaffold's `{name}_hello`, camel-cased by Strawberry

    async def althaus(*args: str) -> subprocess.CompletedProcess[str]:
        result = await run_althaus(args, env=topology.env, cwd=workdir)
        assert result.returncode == 0, (args, result.stdout, result.stderr, topology.logs())
        return result

    await althaus("plugin", "keygen", "--out", "topo.key")
    await althaus("plugin", "trust", "add", "topo.pub")
    await althaus("plugin", "new", name)
    package = workdir / name / name / "__init__.py"
    package.write_text(package.read_text() + PING_ROUTE)
    await althaus("plugin", "pack", name, "--key", "topo.key", "--out", "topo.althaus")
    try:
        await althaus("plugin", "install", "topo.althaus")
        await althaus("plugin", "activate", name)

        relayed = f"{topology.urls['plugins']}/plugins/{name}/graphql"
        async with resources.engine.connect() as conn:
            latest = await versions.latest(conn)
        assert latest is not None
        assert latest.subgraphs[f"plugin_{name}"] == relayed
        assert not any(url.startswith("unix:") for url in latest.subgraphs.values())

        async def answered() -> Any:
            answer = await topology.graphql(f'{{ {field}(name: "Ann") }}')
            return answer if "errors" not in answer else None

        answer = await _until(answered)
        assert answer == {"data": {field: f"Hello, Ann, from {name}!"}}, (
            await topology.graphql(f"{{ {field} }}"),
            topology.logs(),
        )

        async with httpx.AsyncClient(base_url=topology.gateway, timeout=30) as client:
            route = await client.post(f"/api/plugins/{name}/ping?x=1&y=two", content=b"hi")
        assert route.status_code == 200, route.text
        assert route.json() == {
            "kind": "guest",
            "method": "POST",
            "query": "x=1&y=two",
            "body": "hi",
        }

        async with httpx.AsyncClient(base_url=topology.urls["plugins"], timeout=30) as client:
            unsigned = await client.post(
                f"/plugins/{name}/graphql", json={"query": "{ __typename }"}
            )
        assert unsigned.status_code == 401  # the relay forwards; the plugin checks the token

        await althaus("plugin", "deactivate", name)

        async def refused() -> Any:
            answer = await topology.graphql(f"{{ {field} }}")
            return answer if answer.get("errors") else None

        gone = await _until(refused)
        assert gone is not None and "data" not in gone, gone
        assert [e["extensions"]["code"] for e in gone["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
        async with httpx.AsyncClient(base_url=topology.urls["plugins"], timeout=30) as client:
            stopped = await client.post(f"/plugins/{name}/graphql", json={})
        assert stopped.status_code == 404
        assert stopped.json()["error"]["code"] == "PLUGIN_NOT_SERVED"

        await althaus("plugin", "uninstall", name, "--yes")
        assert name not in _listed(await althaus("plugin", "list"))
        async with resources.engine.connect() as conn:
            schema = await conn.execute(text(f"SELECT to_regnamespace('plugin_{name}')"))
            assert schema.scalar_one() is None
    finally:
        with contextlib.suppress(Exception):
            await run_althaus(("plugin", "uninstall", name, "--yes"), env=topology.env, cwd=workdir)
        with contextlib.suppress(PluginNotInstalled):
            await uninstall(resources.engine, name)


def test_serve_plugins_names_its_relay_by_subgraph_plugins_url_without_graphql() -> None:
    from althaus.platform import plugins_base_url

    configured = Settings(subgraph_urls={"plugins": "http://plugins:4004/graphql"})
    assert plugins_base_url(configured) == "http://plugins:4004"
    assert plugins_base_url(Settings()) == "http://127.0.0.1:4004"

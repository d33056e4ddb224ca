"""`althaus gateway --supergraph FILE` serves the file's supergraph over real HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import httpx

from tests.fixtures.federation.serve import free_port
from tests.supergraph.http.edge_fixture import SECRET, SUPERGRAPH_FILE
from tests.supergraph.http.stack import EdgeStack


async def test_gateway_command_serves_the_supergraph_file(
    edge: EdgeStack, tmp_path: object
) -> None:
    edge.require_loaded()
    port = free_port()
    env = {
        **os.environ,
        "ALTHAUS_ENV": "test",
        "INTERNAL_TOKEN_SECRET": SECRET,
        "SUBGRAPH_USERS_URL": edge.urls["users"],
        "SUBGRAPH_CATALOG_URL": edge.urls["catalog"],
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "althaus.cli",
        "gateway",
        "--supergraph",
        str(SUPERGRAPH_FILE),
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            ready = None
            for _ in range(200):
                try:
                    ready = await client.get("/ready")
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            assert ready is not None and ready.status_code == 200, ready and ready.text
            answer = await client.post("/graphql", json={"query": "{ products { name } }"})
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 20)
    assert answer.json() == {"data": {"products": [{"name": "Lamp"}, {"name": "Desk"}]}}
    assert answer.headers["x-request-id"]


async def test_gateway_command_refuses_a_file_that_is_not_a_supergraph(tmp_path: object) -> None:
    from pathlib import Path

    bad = Path(str(tmp_path)) / "bad.graphql"
    bad.write_text("type Query { a: Int }")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "althaus.cli",
        "gateway",
        "--supergraph",
        str(bad),
        env={**os.environ, "ALTHAUS_ENV": "test", "INTERNAL_TOKEN_SECRET": SECRET},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode != 0
    assert b"not a usable supergraph" in err

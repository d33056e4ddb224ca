"""GraphiQL in a real headless Chromium: served by the gateway, runs a query, shows the answer."""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
from pathlib import Path

import orjson
import pytest
import uvicorn

from tests.supergraph.http.stack import app_over, planner_available, served_subgraphs

ROOT = Path(__file__).resolve().parents[2]
PLAYWRIGHT = ROOT / "web" / "graphiql" / "node_modules" / "playwright-core"
DIST = ROOT / "web" / "graphiql" / "dist" / "index.html"
SCRIPT = Path(__file__).with_name("graphiql.browser.mjs")
CHROMIUM = Path("/usr/bin/chromium")


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "/usr/bin/chromium is missing (install Debian's chromium: make web, as root)"
    if shutil.which("node") is None:
        return "node is not installed"
    if not PLAYWRIGHT.is_dir() or not DIST.is_file():
        return "GraphiQL is not built: run `make web`"
    if not planner_available():
        return "supergraph.plan.QueryPlanner is not available"
    return None


async def test_graphiql_runs_a_query_in_chromium() -> None:
    reason = _missing()
    if reason is not None:
        print(f"skipping browser test: {reason}")
        pytest.skip(reason)
    async with served_subgraphs() as (identity, received, urls):
        async with app_over(identity, received, urls) as stack:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            server = uvicorn.Server(
                uvicorn.Config(stack.app, log_level="warning", lifespan="off", access_log=False)
            )
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
            thread.start()
            try:
                for _ in range(500):
                    if server.started:
                        break
                    await asyncio.sleep(0.01)
                process = await asyncio.create_subprocess_exec(
                    "node",
                    str(SCRIPT),
                    str(PLAYWRIGHT),
                    f"http://127.0.0.1:{port}",
                    "{ products { name } }",
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                )
                try:
                    out, err = await asyncio.wait_for(process.communicate(), 120)
                except TimeoutError:
                    process.kill()
                    await process.wait()
                    raise
            finally:
                server.should_exit = True
                await asyncio.to_thread(thread.join, 10)
                sock.close()
    assert process.returncode == 0, err.decode()[-2000:]
    result = orjson.loads(out.decode().strip().splitlines()[-1])
    assert '"Lamp"' in result["response"]
    assert '"Desk"' in result["response"]
    assert result["outside"] == []  # every asset came from the gateway, no CDN
    post = result["graphqlPosts"][-1]
    assert post["headers"]["content-type"].startswith("application/json")
    assert post["headers"]["apollo-require-preflight"] == "true"
    assert any("products" in q for q in received["catalog"].queries())

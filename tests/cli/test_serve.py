"""`althaus serve <subgraph>`: a real uvicorn process answering on the port it was given."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

from tests.cli.conftest import ROOT, Run


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_users_answers_health_and_refuses_unsigned_graphql(althaus: Run) -> None:
    env = althaus.env  # type: ignore[attr-defined]
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "althaus.cli", "serve", "users", "--port", str(port)],
        cwd=ROOT,
        env={**env, "INTERNAL_TOKEN_SECRET": "t" * 40},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None, process.stderr.read() if process.stderr else ""
        assert health.status_code == 200
        refused = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{__typename}"})
        assert refused.status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

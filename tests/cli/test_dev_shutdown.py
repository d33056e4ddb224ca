"""`althaus dev` stopped with SIGTERM stops the embedded servers it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _processes_using(directory: Path) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(directory) in cmdline:
            found.append(cmdline)
    return found


def test_sigterm_stops_dev_and_its_embedded_postgres_and_redis(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith(("ALTHAUS_", "SUBGRAPH_"))
    }
    env["ALTHAUS_DATA_DIR"] = str(data_dir)
    port = _free_port()
    dev = subprocess.Popen(
        [sys.executable, "-m", "althaus.cli", "dev", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError("althaus dev did not become ready within 90 s")
        assert _processes_using(data_dir), "embedded servers should run while dev runs"
        dev.send_signal(signal.SIGTERM)
        assert dev.wait(timeout=30) == 128 + signal.SIGTERM
        deadline = time.monotonic() + 20
        while _processes_using(data_dir) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _processes_using(data_dir) == []
    finally:
        if dev.poll() is None:
            dev.kill()

"""The load driver: wrk posting the nested query over loopback, summarised by `bench/load.lua`."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from bench.harness.processes import pinned

LUA_SCRIPT = Path(__file__).resolve().parent.parent / "load.lua"
_MARKER = "BENCH_RESULT "


class LoadDriverError(RuntimeError):
    """wrk is missing, could not be installed, or did not print its summary."""

    code = "BENCH_LOAD_DRIVER"


@dataclass(frozen=True)
class LoadResult:
    """One measured run of one gateway at one connection count."""

    connections: int
    duration_s: float
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    failed: int
    non_200: int
    graphql_errors: int
    socket_errors: int
    failure_sample: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def ensure_wrk() -> str:
    """Path of wrk; installs Debian's package when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise LoadDriverError("wrk is not installed; install it with `apt-get install -y wrk`")
    print("  installing wrk with apt-get ...", flush=True)
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise LoadDriverError(f"{' '.join(command)} failed: {result.stderr.strip()[-300:]}")
    found = shutil.which("wrk")
    if not found:
        raise LoadDriverError("apt-get installed wrk but it is not on PATH")
    return found


def run_wrk(
    wrk: str,
    url: str,
    body_file: Path,
    *,
    connections: int,
    duration: float,
    cores: str | None,
    sample_file: Path | None = None,
    threads: int = 1,
) -> LoadResult:
    """Drive `url` with `connections` keep-alive connections for `duration` seconds.

    With `sample_file`, the first failed response (status and start of body) is kept there.
    """
    seconds = max(1, round(duration))
    if sample_file is not None:
        sample_file.unlink(missing_ok=True)
    command = pinned(
        [
            wrk,
            f"--threads={min(threads, connections)}",
            f"--connections={connections}",
            f"--duration={seconds}s",
            "--timeout=10s",
            f"--script={LUA_SCRIPT}",
            url,
            "--",
            str(body_file),
            *([str(sample_file)] if sample_file is not None else []),
        ],
        cores,
    )
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next(
        (row for row in completed.stdout.splitlines() if row.startswith(_MARKER)),
        None,
    )
    if completed.returncode != 0 or line is None:
        raise LoadDriverError(
            f"wrk exited with {completed.returncode} without a summary: "
            f"{(completed.stderr or completed.stdout).strip()[-500:]}"
        )
    raw = orjson.loads(line[len(_MARKER) :])
    elapsed = raw["duration_us"] / 1e6
    sockets = (
        raw["socket_connect"] + raw["socket_read"] + raw["socket_write"] + raw["socket_timeout"]
    )
    return LoadResult(
        connections=connections,
        duration_s=round(elapsed, 3),
        requests=raw["requests"],
        rps=round(raw["requests"] / elapsed, 1) if elapsed else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        failed=raw["failed"] + sockets,
        non_200=raw["non_200"],
        graphql_errors=raw["graphql_errors"],
        socket_errors=sockets,
        failure_sample=_read_sample(sample_file) if raw["failed"] else "",
    )


def _read_sample(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(errors="replace")[:4000]
    except OSError:
        return ""

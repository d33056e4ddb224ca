"""Child processes of a benchmark run: started pinned to CPU cores, logged, and always stopped."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


class ProcessStartError(RuntimeError):
    """A benchmark process exited or did not become ready in time."""

    code = "BENCH_PROCESS_START"


def free_port() -> int:
    """A TCP port on loopback that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class CpuPlan:
    """Which cores the gateway under test gets, and which the subgraphs and load driver get."""

    gateway: str | None
    others: str | None
    note: str

    @classmethod
    def for_this_machine(cls, gateway_core: int | None = None) -> CpuPlan:
        """Gateway on `gateway_core` (default: the first usable core), everything else elsewhere."""
        cores = sorted(os.sched_getaffinity(0))
        if gateway_core is not None and gateway_core not in cores:
            raise ValueError(f"core {gateway_core} is not usable here; usable cores: {cores}")
        chosen = cores[0] if gateway_core is None else gateway_core
        if shutil.which("taskset") is None:
            return cls(None, None, "taskset not found: processes are not pinned")
        rest = ",".join(str(core) for core in cores if core != chosen)
        if not rest:
            return cls(str(chosen), None, f"one core: gateway pinned to {chosen}, others not")
        return cls(
            str(chosen),
            rest,
            f"gateway on core {chosen}, subgraphs and load driver on cores {rest}",
        )


def pinned(command: Sequence[str], cores: str | None) -> list[str]:
    """`command` prefixed with `taskset -c cores` when there is something to pin to."""
    return ["taskset", "-c", cores, *command] if cores else list(command)


class ManagedProcess:
    """One child process in its own session, with stdout and stderr in a log file."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        log_path: Path,
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.log_path = log_path
        self._cwd = cwd
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                self.command,
                cwd=self._cwd,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def exit_code(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def wait_ready(self, probe: Callable[[], bool], timeout: float) -> None:
        """Poll `probe` until it is true; raise if the process exits or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.exit_code()
            if code is not None:
                raise ProcessStartError(
                    f"{self.name} exited with code {code} before it was ready; "
                    f"last output:\n{self.log_tail()}"
                )
            if probe():
                return
            time.sleep(0.25)
        raise ProcessStartError(
            f"{self.name} was not ready after {timeout:.0f}s; last output:\n{self.log_tail()}"
        )

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the process group this process leads, then SIGKILL it after `grace`."""
        process = self._process
        if process is None:
            return
        # Signal the group even when the leader is gone: workers it forked may still be running.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace)

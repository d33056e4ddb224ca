"""One plugin's process: started with a scrubbed environment, checked for readiness, stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import time
from typing import Any

import aiohttp
import jwt

from core.security import internal_token
from subgraphs.plugins.runtime.errors import PluginNotRunning, PluginStartFailed
from subgraphs.plugins.runtime.spec import ProcessSpec

SDL_QUERY = "{ _service { sdl } }"
STDERR_FILE = "stderr.log"
STOP_GRACE_SECONDS = 5.0


def readiness_token(spec: ProcessSpec) -> str:
    """A guest token for the plugin's audience, signed with its derived key (the supervisor is
    given the key it hands the plugin, not necessarily the platform secret)."""
    now = int(time.time())
    claims = {
        "iss": internal_token.ISSUER,
        "aud": spec.audience,
        "iat": now,
        "exp": now + internal_token.TTL_SECONDS,
        "role": "guest",
        "kind": "guest",
        "scope": "",
        "rid": "plugin-readiness",
    }
    return jwt.encode(claims, bytes.fromhex(spec.token_key), algorithm=internal_token.ALGORITHM)


class PluginProcess:
    """`start()`, `wait_ready()`, `stop()` for one plugin; `protections` once ready."""

    def __init__(self, spec: ProcessSpec) -> None:
        self.spec = spec
        self._process: asyncio.subprocess.Process | None = None
        self.protections: dict[str, Any] = {}
        self.sdl: str = ""

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> None:
        """Spawn `python -m plugins.sdk.runner` in a new session, environment built from nothing."""
        if self.running:
            return
        spec = self.spec
        spec.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(spec.runtime_dir, 0o700)
        spec.home.mkdir(mode=0o700, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            spec.socket.unlink()
        with (spec.runtime_dir / STDERR_FILE).open("ab") as stderr:
            self._process = await asyncio.create_subprocess_exec(
                *spec.command(),
                env=spec.environment(),
                cwd=str(spec.home),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
                close_fds=True,
            )

    def stderr_tail(self, limit: int = 400) -> str:
        """The end of what the process wrote to stderr (a crash's reason)."""
        try:
            data = (self.spec.runtime_dir / STDERR_FILE).read_bytes()
        except FileNotFoundError:
            return ""
        return data[-limit:].decode("utf-8", "replace").strip()

    async def wait(self) -> int:
        if self._process is None:
            raise PluginNotRunning(f"plugin {self.spec.name!r} was never started")
        return await self._process.wait()

    async def wait_ready(self, timeout: float = 20.0) -> str:  # noqa: ASYNC109
        """Until `/health` answers and `_service { sdl }` returns the SDL; returns the SDL.

        Raises PluginStartFailed when the process exits first or the time runs out.
        """
        if self._process is None:
            raise PluginNotRunning(f"plugin {self.spec.name!r} was never started")
        deadline = asyncio.get_running_loop().time() + timeout
        last = "no answer yet"
        while True:
            if self._process.returncode is not None:
                reason = f"exited with code {self._process.returncode}"
                tail = self.stderr_tail()
                raise PluginStartFailed(self.spec.name, f"{reason}: {tail}" if tail else reason)
            if self.spec.socket.exists():
                try:
                    self.sdl = await self._probe()
                    return self.sdl
                except (aiohttp.ClientError, OSError, ValueError) as exc:
                    last = f"{type(exc).__name__}: {exc}"
            if asyncio.get_running_loop().time() >= deadline:
                await self.stop()
                raise PluginStartFailed(self.spec.name, f"not ready after {timeout:g} s ({last})")
            await asyncio.sleep(0.05)

    async def _probe(self) -> str:
        connector = aiohttp.UnixConnector(path=str(self.spec.socket))
        timeout = aiohttp.ClientTimeout(total=5)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            async with session.get("http://plugin/health") as response:
                if response.status != 200:
                    raise ValueError(f"/health answered {response.status}")
                health = await response.json()
            headers = {internal_token.HEADER: readiness_token(self.spec)}
            async with session.post(
                "http://plugin/graphql", json={"query": SDL_QUERY}, headers=headers
            ) as response:
                body = await response.json()
        sdl = ((body.get("data") or {}).get("_service") or {}).get("sdl")
        if response.status != 200 or not isinstance(sdl, str):
            raise ValueError(f"_service answered {response.status}: {body.get('errors')}")
        self.protections = dict(health.get("protections") or {})
        return sdl

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> int | None:
        """SIGTERM to its process group, then SIGKILL after `grace` seconds; removes the socket."""
        process = self._process
        if process is None:
            return None
        if process.returncode is None:
            self._signal(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                self._signal(process.pid, signal.SIGKILL)
                await process.wait()
        with contextlib.suppress(FileNotFoundError):
            self.spec.socket.unlink()
        return process.returncode

    @staticmethod
    def _signal(pid: int, signum: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signum)

    def remove_runtime_dir(self) -> None:
        """Delete its socket, home and log (after `stop`)."""
        shutil.rmtree(self.spec.runtime_dir, ignore_errors=True)

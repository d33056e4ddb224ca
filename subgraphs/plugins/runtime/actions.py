"""One-shot runs of a plugin: its SDL, a lifecycle hook, a task or an update, each in a fresh
sandboxed process (`python -m plugins.sdk.runner` with ALTHAUS_PLUGIN_ACTION) that exits when
done.

The process gets the spec's environment, its own session and its private home as cwd, exactly
like a serving one, but never binds or removes the socket: it may run beside the plugin's
serving process, in the same runtime dir. Its outcome is the last line of its stdout (see
`plugins.sdk.runner`); past `timeout` seconds of wall-clock its process group is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import signal
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from subgraphs.plugins.runtime.errors import PluginActionFailed
from subgraphs.plugins.runtime.spec import ProcessSpec

log = logging.getLogger("althaus.plugins.runtime")

ACTION_VARIABLE = "ALTHAUS_PLUGIN_ACTION"
TIMED_OUT_CODE = "PLUGIN_ACTION_TIMED_OUT"
NO_RESULT_CODE = "PLUGIN_ACTION_NO_RESULT"
RESULT_LIMIT_BYTES = 4 * 1024 * 1024
STDERR_TAIL_BYTES = 2000
READ_CHUNK_BYTES = 64 * 1024
CPU_KILL_SIGNALS = frozenset({signal.SIGXCPU, signal.SIGKILL})
"""How RLIMIT_CPU ends a process: SIGXCPU at the soft limit, SIGKILL at the hard one."""


class HasUpSql(Protocol):
    """A migration as the engine and the package reader hold it."""

    @property
    def filename(self) -> str: ...

    @property
    def up(self) -> str: ...


class _Capture:
    """What a process writes to one pipe, bounded: the first `limit` bytes (`tail=False`, a
    result) or the last ones (`tail=True`, stderr). Reads to the end so the child never blocks."""

    def __init__(self, limit: int, *, tail: bool) -> None:
        self.limit = limit
        self.tail = tail
        self.data = b""
        self.overflowed = False

    async def read(self, stream: asyncio.StreamReader | None) -> None:
        if stream is None:
            return
        while chunk := await stream.read(READ_CHUNK_BYTES):
            if self.tail:
                self.data = (self.data + chunk)[-self.limit :]
            elif len(self.data) + len(chunk) > self.limit:
                self.overflowed = True
            else:
                self.data += chunk

    def text(self) -> str:
        return self.data.decode("utf-8", "replace").strip()


def describe(action: Mapping[str, Any]) -> str:
    """`sdl`, `hook install`, `task tasks.publish_due`, `update from 1.0.0`: for messages."""
    kind = str(action.get("action", "?"))
    detail = {
        "hook": action.get("hook"),
        "task": action.get("function"),
        "update": f"from {action.get('old_version')}",
    }.get(kind)
    return f"{kind} {detail}" if detail else kind


async def run_action(spec: ProcessSpec, action: Mapping[str, Any], *, timeout: float) -> Any:  # noqa: ASYNC109
    """Run `action` in a fresh process of the plugin; returns its result.

    Raises PluginActionFailed: the plugin raised (`plugin_code` is its exception's `code`),
    the runner refused (its own `code`), the process died without a result, or it ran past
    `timeout` seconds or its CPU seconds (`timed_out`).
    """
    label = describe(action)
    spec.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(spec.runtime_dir, 0o700)
    spec.home.mkdir(mode=0o700, exist_ok=True)
    environment = spec.environment()
    environment[ACTION_VARIABLE] = json.dumps(dict(action))
    try:
        process = await asyncio.create_subprocess_exec(
            *spec.command(),
            env=environment,
            cwd=str(spec.home),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as exc:
        raise PluginActionFailed(spec.name, label, f"cannot start its process: {exc}") from exc
    stdout = _Capture(RESULT_LIMIT_BYTES, tail=False)
    stderr = _Capture(STDERR_TAIL_BYTES, tail=True)
    try:
        await asyncio.wait_for(
            asyncio.gather(
                stdout.read(process.stdout), stderr.read(process.stderr), process.wait()
            ),
            timeout,
        )
    except TimeoutError:
        raise PluginActionFailed(
            spec.name,
            label,
            f"ran longer than {timeout:g} s and was killed",
            code=TIMED_OUT_CODE,
            timed_out=True,
        ) from None
    finally:
        # Whatever happened (done, timed out, cancelled): nothing it started may outlive it.
        _kill_group(process.pid)
        if process.returncode is None:
            await process.wait()
    if stderr.data:
        log.debug("plugin %s %s stderr: %s", spec.name, label, stderr.text())
    return _outcome(spec.name, label, process.returncode, stdout, stderr)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _outcome(
    name: str, label: str, returncode: int | None, stdout: _Capture, stderr: _Capture
) -> Any:
    if returncode is not None and returncode < 0 and -returncode in CPU_KILL_SIGNALS:
        reason = f"used up its CPU time and was killed ({signal.Signals(-returncode).name})"
        raise PluginActionFailed(name, label, reason, code=TIMED_OUT_CODE, timed_out=True)
    if stdout.overflowed:
        reason = f"its result is larger than {RESULT_LIMIT_BYTES // (1024 * 1024)} MiB"
        raise PluginActionFailed(name, label, reason, code=NO_RESULT_CODE)
    payload = _last_json_line(stdout.text())
    if payload is None:
        tail = stderr.text().splitlines()
        reason = f"exited with code {returncode} without a result" + (
            f": {tail[-1]}" if tail else ""
        )
        raise PluginActionFailed(name, label, reason, code=NO_RESULT_CODE)
    if payload.get("ok") is True:
        return payload.get("result")
    code = str(payload.get("code") or PluginActionFailed.code)
    reason = (str(payload.get("error") or "").strip().splitlines() or [code])[0]
    if payload.get("source") == "plugin":
        plugin_code = None if code == PluginActionFailed.code else code
        raise PluginActionFailed(name, label, reason, plugin_code=plugin_code)
    raise PluginActionFailed(name, label, reason, code=code)


def _last_json_line(text: str) -> dict[str, Any] | None:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        payload = json.loads(lines[-1])
    except json.JSONDecodeError:
        return None
    return payload if isinstance(payload, dict) else None


async def plugin_sdl(spec: ProcessSpec, timeout: float = 30.0) -> str:  # noqa: ASYNC109
    """The plugin's subgraph SDL (what its `_service { sdl }` answers), without serving it."""
    sdl = await run_action(spec, {"action": "sdl"}, timeout=timeout)
    if not isinstance(sdl, str):
        raise PluginActionFailed(spec.name, "sdl", "the runner returned no SDL")
    return sdl


async def run_hook(
    spec: ProcessSpec,
    hook: str,
    timeout: float = 60.0,  # noqa: ASYNC109
    keep_data: bool = False,
) -> None:
    """Call the plugin's lifecycle hook `install`, `activate`, `deactivate` or `uninstall` (in
    one transaction on its role's connection); a plugin without that hook succeeds at once."""
    await run_action(
        spec, {"action": "hook", "hook": hook, "keep_data": keep_data}, timeout=timeout
    )


async def run_task(
    spec: ProcessSpec,
    function: str,
    cpu_seconds: float,
    timeout: float,  # noqa: ASYNC109
) -> Any:
    """Run the task `function` (dotted, inside the package: `tasks.publish_due`) with at most
    `cpu_seconds` of CPU time (rounded up to whole seconds, RLIMIT_CPU's unit) and `timeout`
    seconds of wall-clock; returns what it returned (JSON; anything else as its str())."""
    seconds = max(1, math.ceil(cpu_seconds))
    action = {"action": "task", "function": function, "cpu_seconds": seconds}
    return await run_action(spec, action, timeout=timeout)


async def run_update(
    spec: ProcessSpec,
    old_version: str,
    migrations: Sequence[HasUpSql | Mapping[str, str]],
    timeout: float,  # noqa: ASYNC109
) -> None:
    """Apply an update's new migrations and call its `update(context, old_version)` hook in one
    transaction on the plugin's role: any failure leaves the schema as it was. Recording the
    migrations in `system.plugin_migrations` is the caller's job, after this returns."""
    listed = [
        {"filename": m["filename"], "up": m["up"]}
        if isinstance(m, Mapping)
        else {"filename": m.filename, "up": m.up}
        for m in migrations
    ]
    action = {"action": "update", "old_version": old_version, "migrations": listed}
    await run_action(spec, action, timeout=timeout)

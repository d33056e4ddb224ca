"""`POST /engine/<action>`: the lifecycle for `althaus plugin ...`, with progress streamed.

The same PluginHost calls as the GraphQL mutations, for an operator on a shell: the answer is
NDJSON, one `{"step": "..."}` line per step as it happens, then `{"ok": true, ...}` or
`{"ok": false, "code": "...", "error": "..."}`. Guarded like `/graphql` (a valid
X-Internal-Token for this subgraph) and for admins only; every change is audited as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from core.security.internal_token import InternalClaims
from subgraphs.kit.app import CLAIMS_KEY
from subgraphs.plugins.engine import Actor, PluginEngineError
from subgraphs.plugins.lifecycle.host import PluginHost, Progress
from subgraphs.plugins.lifecycle.registry import PluginRecord
from subgraphs.plugins.package import PluginPackageError
from subgraphs.plugins.runtime import PluginRuntimeError

MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
ACTIONS = ("install", "activate", "deactivate", "uninstall", "update")


def record_json(found: PluginRecord) -> dict[str, Any]:
    return {
        "name": found.name,
        "version": found.version,
        "status": found.status,
        "error": dict(found.error) if found.error else None,
    }


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "code": code, "error": message}, status_code=status)


async def _body(request: Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_ARCHIVE_BYTES:
            raise ValueError(f"the archive is larger than {MAX_ARCHIVE_BYTES // 2**20} MiB")
        chunks.append(chunk)
    return b"".join(chunks)


class OperatorEndpoint:
    """ASGI endpoint; runs behind the kit's InternalTokenGuard (which sets the claims)."""

    def __init__(self, host: Callable[[], PluginHost | None]) -> None:
        self.host = host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        claims: InternalClaims = request.scope[CLAIMS_KEY]
        if not claims.principal.has_scopes([["role:admin"]]):
            return _refusal(403, "FORBIDDEN", "plugin lifecycle commands are for admins only")
        host = self.host()
        if host is None:
            return _refusal(503, "PLUGIN_ENGINE_UNAVAILABLE", "the plugin engine is not running")
        action = request.path_params.get("action", "")
        if action not in ACTIONS:
            return _refusal(404, "NOT_FOUND", f"unknown action {action!r}")
        actor = Actor(
            user_id=None,
            ip=claims.context.ip,
            user_agent=claims.context.user_agent,
            request_id=claims.context.request_id or None,
        )
        name = request.query_params.get("name", "")
        keep_data = request.query_params.get("keep_data") in ("1", "true")
        allow_unsigned = request.query_params.get("allow_unsigned") in ("1", "true")
        try:
            archive = await _body(request) if action in ("install", "update") else b""
        except ValueError as exc:
            return _refusal(413, "PAYLOAD_TOO_LARGE", str(exc))
        if action in ("install", "update") and not archive:
            return _refusal(400, "BAD_REQUEST", "send the plugin archive as the request body")
        if action not in ("install", "update") and not name:
            return _refusal(400, "BAD_REQUEST", "name the plugin (?name=...)")

        async def work(progress: Progress) -> dict[str, Any]:
            if action in ("install", "update"):
                progress("verifying the archive (sizes, paths, checksums, signature, manifest)")
                uploaded = await host.upload(archive, actor, allow_unsigned=allow_unsigned)
                progress(
                    f"verified {uploaded.name} {uploaded.version}"
                    f" signed by {uploaded.publisher or 'nobody'}"
                )
                if action == "install":
                    return record_json(await host.install(uploaded.checksum, actor, progress))
                return record_json(await host.update(uploaded.checksum, actor, progress))
            if action == "activate":
                return record_json(await host.activate(name, actor, progress))
            if action == "deactivate":
                return record_json(await host.deactivate(name, actor, progress))
            await host.uninstall(name, keep_data, actor, progress)
            return {"name": name, "kept_data": keep_data}

        return StreamingResponse(_stream(work), media_type="application/x-ndjson")


async def _stream(
    work: Callable[[Progress], Awaitable[dict[str, Any]]],
) -> AsyncIterator[bytes]:
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    def progress(step: str) -> None:
        queue.put_nowait(orjson.dumps({"step": step}) + b"\n")

    async def run() -> None:
        try:
            result = await work(progress)
            queue.put_nowait(orjson.dumps({"ok": True, "result": result}) + b"\n")
        except (PluginEngineError, PluginPackageError, PluginRuntimeError) as exc:
            line: dict[str, Any] = {
                "ok": False,
                "code": getattr(exc, "code", "PLUGIN_ERROR"),
                "error": str(getattr(exc, "message", None) or exc),
            }
            details = getattr(exc, "errors", None)
            if details:
                line["details"] = list(details)
            queue.put_nowait(orjson.dumps(line) + b"\n")
        except Exception as exc:  # never a traceback to the client; the log has it
            import logging

            logging.getLogger(__name__).exception("plugin operator action failed")
            queue.put_nowait(
                orjson.dumps({"ok": False, "code": "INTERNAL_ERROR", "error": type(exc).__name__})
                + b"\n"
            )
        finally:
            queue.put_nowait(None)

    # The work goes on even if the client goes away: a half-done lifecycle step is worse.
    task = asyncio.create_task(run())
    try:
        while True:
            item = await queue.get()
            if item is None:
                break
            yield item
    finally:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(task)

"""ASGI middleware: bind the request id for logs, and log one line per request.

The request id is the incoming `X-Request-Id` (the gateway sets it on every subgraph request)
or a new one; it is echoed in the response. The user id in the lines is the verified
principal's, recorded by the app inside once it knows it (`core.logging.bind_principal`: the
gateway after authentication, a subgraph after checking the internal token); a client-supplied
header such as `X-User-Id` is never logged as who made the request.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logging import USER_ID_STATE, bind_request

REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

log = logging.getLogger("althaus.request")


class RequestLoggingMiddleware:
    """Wraps an ASGI app; HTTP requests get ids in every log line and one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header_id(_header(scope, REQUEST_ID_HEADER)) or uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *[(k, v) for k, v in message.get("headers", []) if k != REQUEST_ID_HEADER],
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        with bind_request(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                context = {
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                }
                user_id = state.get(USER_ID_STATE)
                if user_id:
                    context["user_id"] = user_id
                log.info(
                    "%s %s %s",
                    scope.get("method", ""),
                    scope.get("path", ""),
                    status,
                    extra={"context": context},
                )


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value)
    return None


def _header_id(raw: bytes | None) -> str | None:
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    return value if _SAFE_ID.match(value) else None

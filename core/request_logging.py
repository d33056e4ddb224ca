"""ASGI middleware: bind the request id and user id for logs, and log one line per request.

The request id is the incoming `X-Request-Id` (the gateway sets it on every subgraph request)
or a new one; it is echoed in the response. The user id is the informational `X-User-Id`
header: fine for logs, never for decisions (subgraphs trust only the signed internal token).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logging import bind_request

REQUEST_ID_HEADER = b"x-request-id"
USER_ID_HEADER = b"x-user-id"
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
        headers = dict(scope.get("headers") or [])
        request_id = _header_id(headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        user_id = _header_id(headers.get(USER_ID_HEADER))
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

        with bind_request(request_id, user_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                duration_ms = round((time.perf_counter() - started) * 1000, 2)
                log.info(
                    "%s %s %s",
                    scope.get("method", ""),
                    scope.get("path", ""),
                    status,
                    extra={
                        "context": {
                            "method": scope.get("method"),
                            "path": scope.get("path"),
                            "status": status,
                            "duration_ms": duration_ms,
                        }
                    },
                )


def _header_id(raw: bytes | None) -> str | None:
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    return value if _SAFE_ID.match(value) else None

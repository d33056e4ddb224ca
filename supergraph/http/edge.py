"""Outermost ASGI middleware: request id in and out, one JSON log line per request (with the
principal's id once authentication has verified it), and a catch-all that answers a coded error
with an errorId instead of a stack trace."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import orjson
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logging import USER_ID_STATE, bind_request
from supergraph.http.errors import error_body

access_log = logging.getLogger("althaus.gateway.access")
error_log = logging.getLogger("althaus.gateway")

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(scope: Scope) -> str:
    for key, value in scope.get("headers", ()):
        if key == b"x-request-id":
            text = value.decode("latin-1")
            if _VALID_REQUEST_ID.match(text):
                return text
            break
    return uuid.uuid4().hex


class EdgeMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        try:
            with bind_request(request_id):
                await self.app(scope, receive, send_with_id)
        except Exception:
            error_id = uuid.uuid4().hex
            error_log.exception(
                "unhandled error",
                extra={"context": {"error_id": error_id, "request_id": request_id}},
            )
            if status == 0:
                status = 500
                body = orjson.dumps(
                    error_body("Internal server error", "INTERNAL_SERVER_ERROR", errorId=error_id)
                )
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"x-request-id", request_id.encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
        finally:
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                line = {
                    "event": "request",
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "operation": state.get("operation_name"),
                    "principal": state.get("principal_kind"),
                    "user_id": state.get(USER_ID_STATE),
                    "client_ip": client[0] if client else None,
                }
                access_log.info("request", extra={"context": line})

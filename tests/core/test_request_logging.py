"""Request logging middleware: ids bound for every log line, one access line per request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from core.logging import bind_principal, configure_logging
from core.request_logging import RequestLoggingMiddleware


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging("users", "INFO", stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


async def _hello(request: Request) -> PlainTextResponse:
    logging.getLogger("althaus.test").info("inside the handler")
    return PlainTextResponse("hi")


async def _verified(request: Request) -> PlainTextResponse:
    # What the gateway does after authentication and a subgraph after checking its token.
    bind_principal(request.scope["state"], "verified-7")
    logging.getLogger("althaus.test").info("after verification")
    return PlainTextResponse("hi")


def _client() -> httpx.AsyncClient:
    app = RequestLoggingMiddleware(
        Starlette(routes=[Route("/hello", _hello), Route("/verified", _verified)])
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_incoming_request_id_is_logged_and_echoed(log_stream: io.StringIO) -> None:
    async with _client() as client:
        response = await client.get(
            "/hello", headers={"X-Request-Id": "req-abc", "X-User-Id": "user-1"}
        )
    assert response.headers["x-request-id"] == "req-abc"
    lines = [json.loads(x) for x in log_stream.getvalue().strip().splitlines()]
    inside = next(x for x in lines if x["message"] == "inside the handler")
    assert inside["context"]["request_id"] == "req-abc"
    access = next(x for x in lines if x["context"].get("logger") == "althaus.request")
    assert access["message"] == "GET /hello 200"
    assert access["context"]["status"] == 200
    assert access["context"]["request_id"] == "req-abc"
    assert isinstance(access["context"]["duration_ms"], float)


async def test_missing_or_unsafe_request_id_is_replaced(log_stream: io.StringIO) -> None:
    async with _client() as client:
        response = await client.get("/hello", headers={"X-Request-Id": "bad id\nx"})
    generated = response.headers["x-request-id"]
    assert generated != "bad id\nx" and len(generated) == 32


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(x) for x in stream.getvalue().strip().splitlines()]


async def test_a_client_supplied_user_id_header_is_never_logged(log_stream: io.StringIO) -> None:
    async with _client() as client:
        await client.get("/hello", headers={"X-User-Id": "spoofed-admin"})
    assert "spoofed-admin" not in log_stream.getvalue()
    access = next(x for x in _lines(log_stream) if x["context"].get("logger") == "althaus.request")
    assert "user_id" not in access["context"]


async def test_the_verified_principal_is_in_the_lines_after_verification(
    log_stream: io.StringIO,
) -> None:
    async with _client() as client:
        await client.get("/verified", headers={"X-User-Id": "spoofed-admin"})
    lines = _lines(log_stream)
    inside = next(x for x in lines if x["message"] == "after verification")
    assert inside["context"]["user_id"] == "verified-7"
    access = next(x for x in lines if x["context"].get("logger") == "althaus.request")
    assert access["context"]["user_id"] == "verified-7"
    assert "spoofed-admin" not in log_stream.getvalue()

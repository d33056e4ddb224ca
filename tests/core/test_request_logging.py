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

from core.logging import configure_logging
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


def _client() -> httpx.AsyncClient:
    app = RequestLoggingMiddleware(Starlette(routes=[Route("/hello", _hello)]))
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
    assert inside["context"]["user_id"] == "user-1"
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

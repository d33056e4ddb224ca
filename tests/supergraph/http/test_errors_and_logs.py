"""Failures never reach a client as a stack trace; every request leaves one JSON log line."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.supergraph.http.stack import EdgeStack, app_over


async def test_a_crash_answers_a_coded_error_with_an_error_id(
    edge: EdgeStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    edge.require_loaded()
    async with app_over(edge.identity, edge.received, edge.urls) as stack:
        snapshot = stack.gateway.snapshot
        assert snapshot is not None

        def broken_plan(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("planner exploded at /secret/path.py line 12")

        monkeypatch.setattr(snapshot.planner, "plan", broken_plan)
        with caplog.at_level(logging.ERROR, logger="althaus.gateway"):
            async with stack.client() as client:
                response = await client.post("/graphql", json={"query": "{ products { id } }"})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert len(error["extensions"]["errorId"]) == 32
    assert "exploded" not in response.text
    assert any("graphql request failed" in r.getMessage() for r in caplog.records)


async def test_each_request_logs_one_json_line_without_secrets(
    edge: EdgeStack, caplog: pytest.LogCaptureFixture
) -> None:
    edge.require_loaded()
    token = edge.identity.access_token(edge.identity.accounts["u-bob"])
    with caplog.at_level(logging.INFO, logger="althaus.gateway.access"):
        async with edge.client() as client:
            await client.post(
                "/graphql",
                json={"query": "query Shop { products { id } }"},
                headers={
                    "Authorization": f"Bearer {token}",
                    "X-Request-Id": "log-1",
                    "X-User-Id": "u-spoofed",
                },
            )
    lines = [r for r in caplog.records if r.name == "althaus.gateway.access"]
    assert len(lines) == 1
    context = lines[0].context  # type: ignore[attr-defined]
    assert context["operation"] == "Shop"
    assert context["status"] == 200
    assert context["request_id"] == "log-1"
    assert context["principal"] == "user"
    # The id the token was verified for, never the client's X-User-Id header.
    assert context["user_id"] == "u-bob"
    assert "u-spoofed" not in str(context)
    assert isinstance(context["duration_ms"], float)
    assert token not in str(context)


async def test_a_guest_request_logs_no_user_id_whatever_the_headers_say(
    edge: EdgeStack, caplog: pytest.LogCaptureFixture
) -> None:
    edge.require_loaded()
    with caplog.at_level(logging.INFO, logger="althaus.gateway.access"):
        async with edge.client() as client:
            await client.post(
                "/graphql",
                json={"query": "{ products { id } }"},
                headers={"X-User-Id": "u-spoofed"},
            )
    lines = [r for r in caplog.records if r.name == "althaus.gateway.access"]
    context = lines[0].context  # type: ignore[attr-defined]
    assert context["principal"] == "guest"
    assert context["user_id"] is None

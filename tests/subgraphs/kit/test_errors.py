"""Errors: stable codes for expected ones, an errorId (and no internals) for unexpected ones."""

from __future__ import annotations

import logging

import httpx

from core.security import internal_token
from core.security.principal import Principal
from subgraphs.kit.app import create_subgraph_app
from tests.subgraphs.kit.sample import schema


async def ask(settings, resources, query):
    app = create_subgraph_app("sample", schema, settings, resources)
    headers = internal_token.headers_for(
        Principal.guest(), "sample", settings.internal_token_secret
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://s"
    ) as client:
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    return response.json()


async def test_an_expected_error_carries_its_code_and_extensions(settings, resources):
    body = await ask(settings, resources, "{ refuse }")
    (error,) = body["errors"]
    assert error["message"] == "refused for a reason"
    assert error["extensions"] == {"code": "SAMPLE_REFUSED", "hint": "try again"}
    assert error["path"] == ["refuse"]


async def test_an_unexpected_error_hides_its_details_and_logs_its_error_id(
    settings, resources, caplog
):
    production_like = settings.with_(env="test")
    with caplog.at_level(logging.ERROR, logger="althaus.subgraphs"):
        body = await ask(production_like, resources, "{ crash }")
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    error_id = error["extensions"]["errorId"]
    assert error_id in error["message"]
    assert "/srv/secret" not in str(body)
    assert "stacktrace" not in error["extensions"]
    assert any(getattr(r, "context", {}).get("errorId") == error_id for r in caplog.records)


async def test_development_shows_the_stack_trace(settings, resources):
    body = await ask(settings.with_(env="development"), resources, "{ crash }")
    (error,) = body["errors"]
    assert "RuntimeError" in error["message"]
    assert any("crash" in line for line in error["extensions"]["stacktrace"])


async def test_a_validation_error_names_the_problem(settings, resources):
    body = await ask(settings, resources, "{ nope }")
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nope" in error["message"]


async def test_a_syntax_error_is_a_parse_failure(settings, resources):
    body = await ask(settings, resources, "{ open ")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"

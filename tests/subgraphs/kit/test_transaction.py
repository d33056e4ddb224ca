"""One transaction per operation: a mutation's writes commit with it or roll back with its error."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text

from core.security import internal_token
from core.security.principal import Principal, RequestContext
from subgraphs.kit.app import create_subgraph_app
from tests.subgraphs.kit.sample import schema

ADMIN = Principal.user("44444444-4444-4444-4444-444444444444", "admin", None)


async def write(settings, resources, fail: bool) -> tuple[dict, str]:
    app = create_subgraph_app("sample", schema, settings, resources)
    request_id = uuid.uuid4().hex
    headers = internal_token.headers_for(
        ADMIN,
        "sample",
        settings.internal_token_secret,
        RequestContext(request_id, "192.0.2.1", "ua"),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://s"
    ) as client:
        response = await client.post(
            "/graphql",
            json={"query": f"mutation {{ write(fail: {str(fail).lower()}) }}"},
            headers=headers,
        )
    return response.json(), request_id


async def rows(resources, request_id: str) -> list[dict]:
    async with resources.session_factory() as session:
        result = await session.execute(
            text("SELECT * FROM audit.audit_log WHERE request_id = :r"), {"r": request_id}
        )
        return [dict(r._mapping) for r in result]


async def test_a_successful_mutation_commits_its_writes(settings, resources):
    body, request_id = await write(settings, resources, fail=False)
    assert body == {"data": {"write": True}}
    (row,) = await rows(resources, request_id)
    assert str(row["user_id"]) == ADMIN.sub
    assert row["ip"] == "192.0.2.1"


async def test_a_failing_mutation_rolls_back_its_writes(settings, resources):
    body, request_id = await write(settings, resources, fail=True)
    assert body["errors"][0]["extensions"]["code"] == "SAMPLE_REFUSED"
    assert await rows(resources, request_id) == []


async def test_secrets_never_reach_audit_details(settings, resources):
    _, request_id = await write(settings, resources, fail=False)
    (row,) = await rows(resources, request_id)
    assert row["details"] == {"password": "[redacted]", "ok": 1}

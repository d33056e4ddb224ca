"""API keys: created by admins (secret shown once), resolved by the gateway, revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.security.principal import Principal
from subgraphs.kit.tables import api_keys
from tests.subgraphs.client import error_codes

CREATE = """mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { key apiKey { id name prefix role scopes createdBy { id } } } }"""


async def create(users_api, admin, **input):
    body = await users_api.gql(CREATE, {"input": {"name": "ci", **input}}, as_=admin)
    assert "errors" not in body, body
    return body["data"]["createApiKey"]


async def resolve(users_api, key, headers=None):
    return await users_api.http.post(
        "/internal/api-keys/resolve",
        json={"key": key},
        headers=headers if headers is not None else users_api.headers(),
    )


async def test_create_api_key_shows_the_key_once_and_stores_only_its_hash(
    users_api, admin, resources
):
    created = await create(users_api, admin, role="editor", scopes=["posts:write"])
    assert created["key"].startswith(f"ak_{created['apiKey']['prefix']}_")
    assert created["apiKey"]["createdBy"] == {"id": admin.id}
    listed = await users_api.gql("{ apiKeys { id prefix } }", as_=admin)
    assert {"id": created["apiKey"]["id"], "prefix": created["apiKey"]["prefix"]} in listed["data"][
        "apiKeys"
    ]
    assert created["key"] not in str(listed)
    async with resources.session_factory() as session:
        row = (
            await session.execute(select(api_keys).where(api_keys.c.id == created["apiKey"]["id"]))
        ).one()
    assert created["key"] not in row.key_hash and len(row.key_hash) == 64


async def test_resolve_turns_a_key_into_its_principal(users_api, admin, resources):
    created = await create(users_api, admin, role="editor", scopes=["posts:write"])
    response = await resolve(users_api, created["key"])
    assert response.status_code == 200
    assert response.json() == {
        "sub": f"apikey:{created['apiKey']['id']}",
        "role": "editor",
        "email": None,
        "scope": "posts:write role:editor role:viewer",
        "kind": "api_key",
    }
    async with resources.session_factory() as session:
        used = await session.scalar(
            select(api_keys.c.last_used_at).where(api_keys.c.id == created["apiKey"]["id"])
        )
    assert used is not None


async def test_resolve_refuses_an_unknown_key(users_api):
    response = await resolve(users_api, "ak_deadbeef_" + "x" * 43)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "INVALID_API_KEY"


async def test_resolve_refuses_a_key_with_a_wrong_secret(users_api, admin):
    created = await create(users_api, admin)
    forged = created["key"][:-4] + ("aaaa" if not created["key"].endswith("aaaa") else "bbbb")
    assert (await resolve(users_api, forged)).status_code == 401


async def test_resolve_refuses_a_revoked_key(users_api, admin):
    created = await create(users_api, admin)
    body = await users_api.gql(
        "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }",
        {"id": created["apiKey"]["id"]},
        as_=admin,
    )
    assert body["data"]["revokeApiKey"]["revokedAt"] is not None
    assert (await resolve(users_api, created["key"])).status_code == 401


async def test_resolve_refuses_an_expired_key(users_api, admin, resources):
    created = await create(
        users_api, admin, expiresAt=(datetime.now(UTC) + timedelta(hours=1)).isoformat()
    )
    async with resources.session_factory() as session, session.begin():
        await session.execute(
            api_keys.update()
            .where(api_keys.c.id == created["apiKey"]["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (await resolve(users_api, created["key"])).status_code == 401


async def test_resolve_needs_an_internal_token_for_the_users_subgraph(users_api, admin, settings):
    created = await create(users_api, admin)
    assert (await resolve(users_api, created["key"], headers={})).status_code == 401
    from core.security import internal_token

    wrong = internal_token.headers_for(Principal.guest(), "system", settings.internal_token_secret)
    response = await resolve(users_api, created["key"], headers=wrong)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED_SUBGRAPH_REQUEST"


async def test_create_api_key_refuses_role_scopes_as_explicit_scopes(users_api, admin):
    body = await users_api.gql(
        CREATE, {"input": {"name": "x", "scopes": ["role:admin"]}}, as_=admin
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]

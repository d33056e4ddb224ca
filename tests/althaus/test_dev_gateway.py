"""`althaus dev`: the gateway at /graphql serves the composed API of the core subgraphs."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest_asyncio

from althaus.commands.user import create_account
from althaus.platform import create_dev_app
from core.config import Settings
from core.security import internal_token
from core.security.principal import Principal

PASSWORD = "correct horse battery staple"


@pytest_asyncio.fixture(loop_scope="session")
async def dev(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_dev_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dev") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


async def _graphql(
    client: httpx.AsyncClient, query: str, variables: dict | None = None, token: str | None = None
) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _login(client: httpx.AsyncClient, login: str) -> str:
    answer = await _graphql(
        client,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        {"i": {"login": login, "password": PASSWORD}},
    )
    assert "errors" not in answer, answer
    return str(answer["data"]["login"]["accessToken"])


async def test_ready_once_the_core_subgraphs_are_composed(dev: httpx.AsyncClient) -> None:
    ready = await dev.get("/ready")
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["subgraphs"]) >= {"users", "system"}


async def test_signed_in_user_reads_fields_of_two_subgraphs_in_one_query(
    dev: httpx.AsyncClient,
) -> None:
    name = f"ed{secrets.token_hex(4)}"
    await create_account(
        dev.app.state.resources.engine,  # type: ignore[attr-defined]
        email=f"{name}@example.com",
        username=name,
        role="editor",
        password=PASSWORD,
    )
    token = await _login(dev, name)
    answer = await _graphql(
        dev, '{ me { username role } setting(key: "site.name") { key value } }', token=token
    )
    assert answer == {
        "data": {
            "me": {"username": name, "role": "editor"},
            "setting": {"key": "site.name", "value": "Althaus"},
        }
    }


async def test_audit_entries_resolve_their_user_through_federation(dev: httpx.AsyncClient) -> None:
    name = f"ad{secrets.token_hex(4)}"
    await create_account(
        dev.app.state.resources.engine,  # type: ignore[attr-defined]
        email=f"{name}@example.com",
        username=name,
        role="admin",
        password=PASSWORD,
    )
    token = await _login(dev, name)
    answer = await _graphql(
        dev,
        '{ auditLog(first: 50, filter: {action: "user.login"}) '
        "{ edges { node { action user { username } } } } }",
        token=token,
    )
    assert "errors" not in answer, answer
    usernames = [edge["node"]["user"]["username"] for edge in answer["data"]["auditLog"]["edges"]]
    assert name in usernames


async def test_guest_gets_unauthorized_field_as_null_and_the_rest_served(
    dev: httpx.AsyncClient,
) -> None:
    answer = await _graphql(dev, "{ me { username } __typename }")
    assert answer["data"] == {"me": None, "__typename": "Query"}
    assert answer["errors"][0]["path"] == ["me"]
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"


async def test_every_unauthorized_field_is_reported_when_a_non_null_one_nulls_data(
    dev: httpx.AsyncClient,
) -> None:
    answer = await _graphql(dev, "{ users { totalCount } me { username } }")
    assert answer["data"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in answer["errors"]] == [
        (["users"], "UNAUTHORIZED_FIELD_OR_TYPE"),
        (["me"], "UNAUTHORIZED_FIELD_OR_TYPE"),
    ]


async def _status_as(client: httpx.AsyncClient, token: str) -> tuple[int, dict]:
    response = await client.post(
        "/graphql",
        json={"query": "{ me { username } }"},
        headers={"authorization": f"Bearer {token}"},
    )
    return response.status_code, response.json()


async def test_a_deactivated_users_token_is_refused_everywhere_until_a_new_login(
    dev: httpx.AsyncClient, settings: Settings
) -> None:
    engine = dev.app.state.resources.engine  # type: ignore[attr-defined]
    admin, editor = f"ad{secrets.token_hex(4)}", f"ed{secrets.token_hex(4)}"
    await create_account(
        engine, email=f"{admin}@example.com", username=admin, role="admin", password=PASSWORD
    )
    created = await create_account(
        engine, email=f"{editor}@example.com", username=editor, role="editor", password=PASSWORD
    )
    admin_token, old_token = await _login(dev, admin), await _login(dev, editor)
    assert (await _status_as(dev, old_token))[0] == 200

    answer = await _graphql(
        dev,
        "mutation($id: ID!) { deactivateUser(userId: $id) { isActive } }",
        {"id": str(created.id)},
        token=admin_token,
    )
    assert answer == {"data": {"deactivateUser": {"isActive": False}}}
    deactivated = time.monotonic()
    while (await _status_as(dev, old_token))[0] != 401:
        assert time.monotonic() - deactivated < 1.0, "still accepted a second later"
        await asyncio.sleep(0.02)
    status, body = await _status_as(dev, old_token)
    assert (status, body["errors"][0]["extensions"]["code"]) == (401, "INVALID_TOKEN")

    # The system subgraph refuses it too, asked directly with a token minted for the editor.
    claims = jwt.decode(old_token, options={"verify_signature": False})
    principal = Principal.user(claims["sub"], "editor", claims["email"], issued_at=claims["iat"])
    assert settings.internal_token_secret is not None
    direct = await dev.post(
        "/subgraphs/system/graphql",
        json={"query": "{ settings { key } }"},
        headers=internal_token.headers_for(principal, "system", settings.internal_token_secret),
    )
    assert direct.status_code == 401
    assert direct.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    answer = await _graphql(
        dev,
        "mutation($id: ID!) { activateUser(userId: $id) { isActive } }",
        {"id": str(created.id)},
        token=admin_token,
    )
    assert answer == {"data": {"activateUser": {"isActive": True}}}
    # Token times are whole seconds: one issued in the second of the revocation is refused too.
    await asyncio.sleep(1.05 - time.time() % 1)
    new_token = await _login(dev, editor)
    assert await _status_as(dev, new_token) == (200, {"data": {"me": {"username": editor}}})
    assert (await _status_as(dev, old_token))[0] == 401

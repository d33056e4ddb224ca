"""The edge against the real users subgraph (Postgres, Redis): sessions, JWKS, API keys."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from core.config import Settings
from core.security import passwords
from supergraph.auth.users_service import UsersService
from supergraph.gateway import Gateway, compose_from_subgraphs
from supergraph.http.app import create_gateway_app
from supergraph.transport.asgi import AsgiTransport

PASSWORD = "a long enough passphrase 42"


@pytest.fixture(scope="module")
async def real(settings: Settings, resources: Any) -> AsyncIterator[dict[str, Any]]:
    from subgraphs.kit.tables import users
    from subgraphs.users.app import create_app

    users_app = create_app(settings, resources)
    transports = {"users": AsgiTransport("users", users_app)}
    gateway = Gateway(
        settings, transports=transports, loader=compose_from_subgraphs(settings, transports)
    )
    app = create_gateway_app(settings, gateway, users=UsersService("http://users", app=users_app))
    await gateway.start()
    for _ in range(250):
        if gateway.snapshot is not None:
            break
        await asyncio.sleep(0.02)
    name = f"edge{secrets.token_hex(4)}"
    async with resources.session_factory() as session, session.begin():
        await session.execute(
            users.insert().values(
                id=uuid.uuid4(),
                email=f"{name}@example.com",
                username=name,
                password_hash=passwords.hash_password(PASSWORD),
                role="admin",
                is_active=True,
            )
        )
    try:
        yield {"app": app, "login": name, "gateway": gateway}
    finally:
        await app.state.users.close()
        await gateway.close()


def client_for(real: dict[str, Any]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=real["app"]), base_url="http://gateway.test"
    )


async def test_session_login_then_cookie_reads_me_through_the_real_users_subgraph(
    real: dict[str, Any],
) -> None:
    assert real["gateway"].snapshot is not None, "composition from the users subgraph failed"
    async with client_for(real) as client:
        login = await client.post(
            "/auth/session", json={"login": real["login"], "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        assert login.json()["user"]["username"] == real["login"]
        me = await client.post("/graphql", json={"query": "{ me { username role } }"})
        assert me.json() == {"data": {"me": {"username": real["login"], "role": "admin"}}}
        refreshed = await client.post("/auth/refresh", json={})
        assert refreshed.status_code == 200, refreshed.text
        logout = await client.post("/auth/logout", json={})
        assert logout.json() == {"ok": True, "revoked": True}


async def test_wrong_password_is_401_invalid_credentials(real: dict[str, Any]) -> None:
    async with client_for(real) as client:
        response = await client.post(
            "/auth/session", json={"login": real["login"], "password": "not the password"}
        )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"


async def test_api_key_created_by_an_admin_authenticates_with_its_role(
    real: dict[str, Any],
) -> None:
    async with client_for(real) as client:
        await client.post("/auth/session", json={"login": real["login"], "password": PASSWORD})
        created = await client.post(
            "/graphql",
            json={
                "query": 'mutation { createApiKey(input: {name: "edge", role: "editor"}) { key } }'
            },
        )
        key = created.json()["data"]["createApiKey"]["key"]
    async with client_for(real) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ apiKeys { name } }"},
            headers={"X-Api-Key": key},
        )
        refused = await client.post(
            "/graphql", json={"query": "{ me { id } }"}, headers={"X-Api-Key": key + "x"}
        )
    body = response.json()
    # An editor key may not list API keys (admin only): refused at the edge, not fetched.
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "INVALID_API_KEY"

"""The kit's app: only a valid X-Internal-Token for this subgraph gets through."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from core.request_logging import RequestLoggingMiddleware
from core.security import internal_token
from core.security.principal import Principal
from subgraphs.kit.app import create_subgraph_app
from tests.subgraphs.kit.sample import schema

ADMIN = Principal.user("11111111-1111-1111-1111-111111111111", "admin", "a@example.com")


@pytest.fixture(scope="module")
async def sample(settings, resources):
    app = create_subgraph_app("sample", schema, settings, resources)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sample"
    ) as client:
        yield client


async def ask(client, headers, query="{ signedIn }"):
    return await client.post("/graphql", json={"query": query}, headers=headers)


def assert_refused(response):
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED_SUBGRAPH_REQUEST"


async def test_a_valid_token_reaches_the_resolvers(sample, settings):
    response = await ask(
        sample, internal_token.headers_for(ADMIN, "sample", settings.internal_token_secret)
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"signedIn": ADMIN.sub}}


async def test_a_request_without_a_token_is_refused(sample):
    assert_refused(await ask(sample, {}))


async def test_forged_user_headers_without_a_token_are_refused(sample):
    forged = {"X-User-Id": ADMIN.sub, "X-User-Role": "admin", "X-User-Email": "a@example.com"}
    assert_refused(await ask(sample, forged))


async def test_forged_user_headers_beside_a_guest_token_are_ignored(sample, settings):
    headers = internal_token.headers_for(
        Principal.guest(), "sample", settings.internal_token_secret
    )
    headers |= {"X-User-Id": ADMIN.sub, "X-User-Role": "admin"}
    body = (await ask(sample, headers, "{ forEditors }")).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"


async def test_an_expired_token_is_refused(sample, settings):
    token = internal_token.mint(
        ADMIN, "sample", settings.internal_token_secret, now=time.time() - 120
    )
    assert_refused(await ask(sample, {internal_token.HEADER: token}))


async def test_a_token_signed_with_another_secret_is_refused(sample):
    token = internal_token.mint(ADMIN, "sample", "another secret of at least 32 bytes!!")
    assert_refused(await ask(sample, {internal_token.HEADER: token}))


async def test_a_token_for_another_subgraph_is_refused(sample, settings):
    token = internal_token.mint(ADMIN, "users", settings.internal_token_secret)
    assert_refused(await ask(sample, {internal_token.HEADER: token}))


async def test_health_needs_no_token(sample):
    response = await sample.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_graphiql_is_off(sample, settings):
    headers = internal_token.headers_for(ADMIN, "sample", settings.internal_token_secret)
    response = await sample.get("/graphql", headers=headers | {"Accept": "text/html"})
    assert "graphiql" not in response.text.lower()


async def test_queries_work_over_get(sample, settings):
    headers = internal_token.headers_for(ADMIN, "sample", settings.internal_token_secret)
    response = await sample.get("/graphql", params={"query": "{ open }"}, headers=headers)
    assert response.json() == {"data": {"open": "open"}}


async def test_without_resources_the_app_opens_its_own_in_its_lifespan(settings):
    app = create_subgraph_app("sample", schema, settings, None)
    headers = internal_token.headers_for(ADMIN, "sample", settings.internal_token_secret)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as client,
    ):
        response = await client.post(
            "/graphql", json={"query": "mutation { write }"}, headers=headers
        )
    assert response.json() == {"data": {"write": True}}


async def test_secrets_missing_from_settings_come_from_the_resources(settings, resources):
    bare = settings.with_(internal_token_secret=None, jwt_private_key=None)
    app = create_subgraph_app("sample", schema, bare, resources)
    headers = internal_token.headers_for(ADMIN, "sample", resources.settings.internal_token_secret)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as c:
        response = await c.post("/graphql", json={"query": "{ signedIn }"}, headers=headers)
    assert response.json() == {"data": {"signedIn": ADMIN.sub}}


async def test_the_access_line_names_the_token_principal_not_the_user_id_header(
    settings, resources, caplog
):
    app = RequestLoggingMiddleware(create_subgraph_app("sample", schema, settings, resources))
    headers = internal_token.headers_for(ADMIN, "sample", settings.internal_token_secret)
    headers["X-User-Id"] = "22222222-2222-2222-2222-222222222222"
    with caplog.at_level(logging.INFO, logger="althaus.request"):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sample"
        ) as client:
            assert (await ask(client, headers)).status_code == 200
    access = [r for r in caplog.records if r.name == "althaus.request"]
    assert [r.context["user_id"] for r in access] == [ADMIN.sub]

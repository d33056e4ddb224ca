"""API keys: resolved by the users subgraph, cached briefly by their sha256."""

from __future__ import annotations

from tests.supergraph.http.stack import EdgeStack

NOTES = {"query": "{ internalNotes }"}


async def test_x_api_key_header_authenticates_with_the_keys_scopes(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql", json=NOTES, headers={"X-Api-Key": "ak_edge_goodkey"}
        )
    assert response.status_code == 200
    assert response.json() == {"data": {"internalNotes": "restock on monday"}}
    principal = edge.received["catalog"].claims[-1].principal
    assert principal.kind == "api_key"
    assert principal.sub == "apikey:k1"
    assert "notes:read" in principal.scopes


async def test_authorization_apikey_scheme_authenticates(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql", json=NOTES, headers={"Authorization": "ApiKey ak_edge_goodkey"}
        )
    assert response.json()["data"]["internalNotes"] == "restock on monday"


async def test_unknown_api_key_is_401(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post("/graphql", json=NOTES, headers={"X-Api-Key": "ak_edge_wrong"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_API_KEY"
    assert response.headers["www-authenticate"].startswith("ApiKey")


async def test_a_key_is_resolved_once_then_served_from_cache(edge: EdgeStack) -> None:
    edge.require_loaded()
    before = edge.identity.resolves
    async with edge.client() as client:
        for _ in range(3):
            response = await client.post(
                "/graphql", json=NOTES, headers={"X-Api-Key": "ak_edge_cachekey"}
            )
            assert response.status_code == 401
    assert edge.identity.resolves == before + 1

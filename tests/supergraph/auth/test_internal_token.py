"""What subgraphs receive: an X-Internal-Token that verifies with audience = their own name."""

from __future__ import annotations

from tests.supergraph.http.stack import EdgeStack


async def test_each_subgraph_receives_a_token_for_its_own_audience(edge: EdgeStack) -> None:
    edge.require_loaded()
    account = edge.identity.accounts["u-bob"]
    token = edge.identity.access_token(account)
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ me { id } products { id } }"},
            headers={"Authorization": f"Bearer {token}", "X-Request-Id": "req-42"},
        )
    assert response.status_code == 200
    for name in ("users", "catalog"):
        received = edge.received[name]
        assert received.refused == []  # the guard verified with audience=name
        claims = received.claims[-1]
        assert claims.principal.sub == "u-bob"
        assert claims.principal.role == "viewer"
        assert claims.context.request_id == "req-42"


async def test_guests_are_sent_a_guest_principal(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        await client.post("/graphql", json={"query": "{ products { id } }"})
    principal = edge.received["catalog"].claims[-1].principal
    assert principal.kind == "guest"
    assert principal.scopes == frozenset()

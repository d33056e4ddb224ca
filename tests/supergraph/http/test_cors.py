"""CORS: listed origins get credentials, others get nothing."""

from __future__ import annotations

from tests.supergraph.http.stack import ORIGIN, EdgeStack

PREFLIGHT_REQUEST = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type,authorization",
}


async def test_preflight_from_a_listed_origin_is_allowed_with_credentials(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.options("/graphql", headers={"Origin": ORIGIN, **PREFLIGHT_REQUEST})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


async def test_preflight_from_another_origin_is_refused(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.options(
            "/graphql", headers={"Origin": "https://evil.example", **PREFLIGHT_REQUEST}
        )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_simple_response_carries_the_origin_and_exposes_the_request_id(
    edge: EdgeStack,
) -> None:
    async with edge.client() as client:
        response = await client.get("/health", headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()

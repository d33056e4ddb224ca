"""The audit's way in: cases answered through the gateway's HTTP app, as a client sends them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.test_requires_with_argument import (
    CATALOG,
    MODERATION,
    POSTS,
    SHIPPING,
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([CATALOG, SHIPPING, POSTS, MODERATION]) as built:
        yield built


async def test_post_with_variables_and_requires(gateway: CaseGateway) -> None:
    body = {
        "query": "query ($limit: Int!) { feed { comments(limit: $limit) { id isCommentSpam } } }",
        "variables": {"limit": 1},
    }
    async with gateway.http() as client:
        response = await client.post("/graphql", json=body)
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "feed": [
                {"comments": [{"id": "c1", "isCommentSpam": False}]},
                {"comments": [{"id": "c4", "isCommentSpam": False}]},
            ]
        }
    }


async def test_get_query_is_answered(gateway: CaseGateway) -> None:
    async with gateway.http() as client:
        response = await client.get(
            "/graphql",
            params={"query": "{ products { upc shippingEstimate } }"},
            headers={
                "Accept": "application/graphql-response+json",
                "Apollo-Require-Preflight": "1",
            },
        )
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "products": [
                {"upc": "p1", "shippingEstimate": 110},
                {"upc": "p2", "shippingEstimate": 440},
            ]
        }
    }

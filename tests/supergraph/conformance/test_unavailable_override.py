"""unavailable-override: `@override(from:)` naming no subgraph changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable", "@override"])'
)
POSTS = {"p1": "p1-createdAt", "p2": "p2-createdAt"}


def _post(post_id: str) -> dict[str, str]:
    return {"id": post_id, "createdAt": POSTS[post_id]}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ feed: [Post] @shareable aFeed: [Post] }}
    type Post @key(fields: "id") {{ id: ID! createdAt: String! @shareable }}
    """,
    root={"feed": [_post("p1"), _post("p2")], "aFeed": [_post("p2")]},
    entities={"Post": lambda rep: _post(rep["id"])},
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ feed: [Post] @shareable bFeed: [Post] }}
    type Post @key(fields: "id") {{
      id: ID!
      createdAt: String! @shareable @override(from: "non-existing")
    }}
    """,
    root={"feed": [_post("p1"), _post("p2")], "bFeed": [_post("p1")]},
    entities={"Post": lambda rep: _post(rep["id"])},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_shared_root_field_is_answered(gateway: CaseGateway) -> None:
    assert await gateway.run("{ feed { createdAt } }") == {
        "data": {"feed": [{"createdAt": "p1-createdAt"}, {"createdAt": "p2-createdAt"}]}
    }


async def test_each_subgraph_root_field_is_answered(gateway: CaseGateway) -> None:
    assert await gateway.run("{ aFeed { createdAt } bFeed { createdAt } }") == {
        "data": {"aFeed": [{"createdAt": "p2-createdAt"}], "bFeed": [{"createdAt": "p1-createdAt"}]}
    }

"""simple-override: a field moved with `@override(from:)` is served only by its new subgraph."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable", "@override"])'
)

OLD = Subgraph(
    "old",
    f"""
    extend schema {LINK}
    type Query {{ feed: [Post] }}
    type Post @key(fields: "id") {{ id: ID! createdAt: String! title: String! }}
    """,
    root={
        "feed": [
            {"id": "p1", "createdAt": "stale", "title": "One"},
            {"id": "p2", "createdAt": "stale", "title": "Two"},
        ]
    },
    entities={"Post": lambda rep: {"id": rep["id"], "createdAt": "stale", "title": "?"}},
)

NEW = Subgraph(
    "new",
    f"""
    extend schema {LINK}
    type Query {{ latest: Post @override(from: "old") }}
    type Post @key(fields: "id") {{ id: ID! createdAt: String! @override(from: "old") }}
    """,
    root={"latest": {"id": "p2", "createdAt": "p2-created"}},
    entities={"Post": lambda rep: {"id": rep["id"], "createdAt": f"{rep['id']}-created"}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([OLD, NEW]) as built:
        yield built


async def test_overridden_field_comes_from_the_new_subgraph(gateway: CaseGateway) -> None:
    assert await gateway.run("{ feed { title createdAt } }") == {
        "data": {
            "feed": [
                {"title": "One", "createdAt": "p1-created"},
                {"title": "Two", "createdAt": "p2-created"},
            ]
        }
    }


async def test_field_moved_to_a_new_root_subgraph(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ latest { id createdAt title } }") == {
        "data": {"latest": {"id": "p2", "createdAt": "p2-created", "title": "?"}}
    }
    assert "createdAt" not in " ".join(gateway.subgraphs["old"].queries())

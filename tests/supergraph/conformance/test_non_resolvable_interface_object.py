"""non-resolvable-interface-object: an `@interfaceObject` with `resolvable: false` is only a
reference; every field of it comes from the interface's owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])'
)
NODES = {
    "n1": {"__typename": "Article", "id": "n1", "title": "Hello", "words": 120},
    "n2": {"__typename": "Video", "id": "n2", "title": "Clip", "seconds": 42},
}

OWNER = Subgraph(
    "owner",
    f"""
    extend schema {LINK}
    interface Media @key(fields: "id") {{ id: ID! title: String! }}
    type Article implements Media @key(fields: "id") {{ id: ID! title: String! words: Int! }}
    type Video implements Media @key(fields: "id") {{ id: ID! title: String! seconds: Int! }}
    """,
    entities={
        "Media": lambda rep: NODES[rep["id"]],
        "Article": lambda rep: NODES[rep["id"]],
        "Video": lambda rep: NODES[rep["id"]],
    },
)


def _feed(_info: object) -> list[dict[str, Any]]:
    return [{"id": "n2"}, {"id": "n1"}]


FEED = Subgraph(
    "feed",
    f"""
    extend schema {LINK}
    type Query {{ feed: [Media!]! }}
    type Media @key(fields: "id", resolvable: false) @interfaceObject {{ id: ID! }}
    """,
    root={"feed": _feed},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([OWNER, FEED]) as built:
        yield built


async def test_ids_come_straight_from_the_reference(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ feed { id } }") == {"data": {"feed": [{"id": "n2"}, {"id": "n1"}]}}
    assert gateway.subgraphs["owner"].received == []


async def test_interface_fields_and_type_come_from_the_owner(gateway: CaseGateway) -> None:
    assert await gateway.run("{ feed { __typename id title } }") == {
        "data": {
            "feed": [
                {"__typename": "Video", "id": "n2", "title": "Clip"},
                {"__typename": "Article", "id": "n1", "title": "Hello"},
            ]
        }
    }


async def test_concrete_fields_come_from_the_owner(gateway: CaseGateway) -> None:
    query = "{ feed { ... on Article { words } ... on Video { seconds title } } }"
    assert await gateway.run(query) == {
        "data": {"feed": [{"seconds": 42, "title": "Clip"}, {"words": 120}]}
    }

"""interface-object-indirect-extension: an `@interfaceObject` adds a field that the concrete
types' fragments then read, next to entity interfaces reached from a third subgraph."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@interfaceObject", "@shareable"])'
)
VIDEO = {"__typename": "Video", "id": "1", "title": "title for 1", "duration": 100}

MEDIA = Subgraph(
    "media",
    f"""
    extend schema {LINK}
    type Query {{ media: Media }}
    interface Media @key(fields: "id") {{ id: ID! title: String! }}
    type Video implements Media @key(fields: "id") {{ id: ID! title: String! duration: Int! }}
    type Article implements Media @key(fields: "id") {{
      id: ID!
      title: String!
      wordCount: Int!
    }}
    """,
    root={"media": VIDEO},
    entities={"Media": lambda rep: VIDEO, "Video": lambda rep: VIDEO},
)


def _authored(rep: dict[str, Any]) -> dict[str, Any]:
    return {"id": rep["id"], "authorName": "John Doe"}


AUTHOR = Subgraph(
    "author",
    f"""
    extend schema {LINK}
    type Query {{ author: Author }}
    type Author {{ id: ID! name: String! }}
    type Media @key(fields: "id") @interfaceObject {{ id: ID! authorName: String }}
    """,
    root={"author": {"id": "1", "name": "name for 1"}},
    entities={"Media": _authored},
)

PLAYLIST = Subgraph(
    "playlist",
    f"""
    extend schema {LINK}
    type Query {{ playlist: Playlist }}
    type Playlist {{ id: ID! name: String! media: Media }}
    type Media @key(fields: "id") @interfaceObject {{ id: ID! }}
    """,
    root={"playlist": {"id": "1", "name": "name for 1", "media": {"id": "1"}}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([MEDIA, AUTHOR, PLAYLIST]) as built:
        yield built


async def test_fields_from_three_subgraphs_through_one_interface(gateway: CaseGateway) -> None:
    query = """
      { media { id title ... on Video { duration authorName } ... on Article { wordCount } }
        author { id name }
        playlist { id name media { id ... on Video { duration } } } }
    """
    assert await gateway.run(query) == {
        "data": {
            "media": {"id": "1", "title": "title for 1", "duration": 100, "authorName": "John Doe"},
            "author": {"id": "1", "name": "name for 1"},
            "playlist": {"id": "1", "name": "name for 1", "media": {"id": "1", "duration": 100}},
        }
    }

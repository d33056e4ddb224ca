"""provides-on-union: `@provides` with type conditions on a union's members."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable", "@external", "@provides"])'
)
MEDIA = [("Book", "m1", "Dune"), ("Movie", "m2", "Alien"), ("Book", "m3", "Emma")]


def _media(with_title: bool) -> list[dict[str, Any]]:
    return [
        {"__typename": kind, "id": media_id, **({"title": title} if with_title else {})}
        for kind, media_id, title in MEDIA
    ]


def _titled(rep: dict[str, Any]) -> dict[str, Any]:
    title = next(t for _, media_id, t in MEDIA if media_id == rep["id"])
    return {"id": rep["id"], "title": title}


IDS = Subgraph(
    "ids",
    f"""
    extend schema {LINK}
    type Query {{ media: [Media] @shareable }}
    union Media = Book | Movie
    type Book @key(fields: "id") {{ id: ID! }}
    type Movie @key(fields: "id") {{ id: ID! }}
    """,
    root={"media": _media(False)},
)

TITLES = Subgraph(
    "titles",
    f"""
    extend schema {LINK}
    type Book @key(fields: "id") {{ id: ID! title: String @shareable }}
    type Movie @key(fields: "id") {{ id: ID! title: String @shareable }}
    """,
    entities={"Book": _titled, "Movie": _titled},
)

PROVIDER = Subgraph(
    "provider",
    f"""
    extend schema {LINK}
    type Query {{
      media: [Media] @shareable
        @provides(fields: "... on Book {{ title }} ... on Movie {{ title }}")
      books: [Media] @provides(fields: "... on Book {{ title }}")
    }}
    union Media = Book | Movie
    type Book @key(fields: "id") {{ id: ID! title: String @external }}
    type Movie @key(fields: "id") {{ id: ID! title: String @external }}
    """,
    root={"media": _media(True), "books": _media(True)},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([IDS, TITLES, PROVIDER]) as built:
        yield built


async def test_provided_member_fields_take_one_fetch(gateway: CaseGateway) -> None:
    gateway.clear()
    query = "{ media { __typename ... on Book { id title } ... on Movie { title } } }"
    assert await gateway.run(query) == {
        "data": {
            "media": [
                {"__typename": "Book", "id": "m1", "title": "Dune"},
                {"__typename": "Movie", "title": "Alien"},
                {"__typename": "Book", "id": "m3", "title": "Emma"},
            ]
        }
    }
    assert [name for name, s in gateway.subgraphs.items() if s.received] == ["provider"]


async def test_member_not_provided_is_fetched_by_key(gateway: CaseGateway) -> None:
    gateway.clear()
    query = "{ books { ... on Book { title } ... on Movie { title } } }"
    assert await gateway.run(query) == {
        "data": {"books": [{"title": "Dune"}, {"title": "Alien"}, {"title": "Emma"}]}
    }
    sent = gateway.subgraphs["titles"].received[0]["variables"]["representations"]
    assert sent == [{"__typename": "Movie", "id": "m2"}]

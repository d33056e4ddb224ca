"""union-intersection: one union with different members per subgraph, shared root fields."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])'
BOOK = {"__typename": "Book", "id": "b1", "title": "The Hobbit"}
SONG = {"__typename": "Song", "id": "s1", "title": "Misty Mountains"}
MOVIE = {"__typename": "Movie", "id": "m1", "title": "Mirrormask"}


def _titled(prefix: str, item: dict[str, Any]) -> dict[str, Any]:
    return {**item, f"{prefix}Title": f"{prefix.upper()}: {item['title']}"}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ media: Media @shareable aMedia: Media viewer: Viewer @shareable }}
    union Media = Book | Song
    type Book @key(fields: "id") {{ id: ID! title: String! @shareable aTitle: String! }}
    type Song @key(fields: "id") {{ id: ID! title: String! aTitle: String! }}
    type Viewer {{ media: Media @shareable book: Media @shareable song: Media aMedia: Media }}
    """,
    root={
        "media": _titled("a", BOOK),
        "aMedia": _titled("a", BOOK),
        "viewer": {
            "media": _titled("a", BOOK),
            "book": _titled("a", BOOK),
            "song": _titled("a", SONG),
            "aMedia": _titled("a", BOOK),
        },
    },
    entities={"Book": lambda rep: _titled("a", BOOK), "Song": lambda rep: _titled("a", SONG)},
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ media: Media @shareable viewer: Viewer @shareable }}
    union Media = Book | Movie
    type Book @key(fields: "id") {{ id: ID! title: String! @shareable bTitle: String! }}
    type Movie @key(fields: "id") {{ id: ID! title: String! bTitle: String! }}
    type Viewer {{ media: Media @shareable book: Media @shareable bMedia: Media }}
    """,
    root={
        "media": _titled("b", BOOK),
        "viewer": {
            "media": _titled("b", BOOK),
            "book": _titled("b", BOOK),
            "bMedia": _titled("b", MOVIE),
        },
    },
    entities={"Book": lambda rep: _titled("b", BOOK), "Movie": lambda rep: _titled("b", MOVIE)},
)

ALL_TITLES = (
    "__typename ... on Song { title aTitle } ... on Movie { title bTitle }"
    " ... on Book { title aTitle bTitle }"
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_fragment_on_a_member_the_value_is_not_is_empty(gateway: CaseGateway) -> None:
    assert await gateway.run("{ media { ... on Movie { title } } }") == {"data": {"media": {}}}


async def test_fragment_on_the_runtime_member_is_answered(gateway: CaseGateway) -> None:
    assert await gateway.run("{ media { ... on Book { title } ... on Movie { title } } }") == {
        "data": {"media": {"title": "The Hobbit"}}
    }


async def test_nested_shared_value_type_with_fragments(gateway: CaseGateway) -> None:
    query = "{ viewer { media { ... on Book { title } } bMedia { ... on Movie { title } } } }"
    assert await gateway.run(query) == {
        "data": {"viewer": {"media": {"title": "The Hobbit"}, "bMedia": {"title": "Mirrormask"}}}
    }


async def test_members_of_each_subgraph_gather_fields_from_both(gateway: CaseGateway) -> None:
    fields = " ".join(f"{name} {{ {ALL_TITLES} }}" for name in ("media", "book", "song"))
    query = f"{{ viewer {{ {fields} }} }}"
    book = {
        "__typename": "Book",
        "title": "The Hobbit",
        "aTitle": "A: The Hobbit",
        "bTitle": "B: The Hobbit",
    }
    song = {"__typename": "Song", "title": "Misty Mountains", "aTitle": "A: Misty Mountains"}
    assert await gateway.run(query) == {
        "data": {"viewer": {"media": book, "book": book, "song": song}}
    }


async def test_entity_calls_from_a_union_field(gateway: CaseGateway) -> None:
    assert await gateway.run("{ aMedia { ... on Movie { title bTitle } } }") == {
        "data": {"aMedia": {}}
    }
    assert await gateway.run("{ aMedia { ... on Book { title aTitle bTitle } } }") == {
        "data": {
            "aMedia": {"title": "The Hobbit", "aTitle": "A: The Hobbit", "bTitle": "B: The Hobbit"}
        }
    }


async def test_fields_of_one_subgraph_on_a_shared_value_type(gateway: CaseGateway) -> None:
    query = (
        "{ viewer { aMedia { ... on Movie { title bTitle } }"
        " bMedia { ... on Movie { title bTitle } } } }"
    )
    assert await gateway.run(query) == {
        "data": {
            "viewer": {
                "aMedia": {},
                "bMedia": {"title": "Mirrormask", "bTitle": "B: Mirrormask"},
            }
        }
    }

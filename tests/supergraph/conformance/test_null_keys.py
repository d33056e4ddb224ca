"""null-keys: an entity a subgraph cannot resolve leaves later hops out, without an error."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
BOOKS = [("b1", "1", "Alice"), ("b2", "2", "Bob"), ("b3", "3", "Carol")]

SHELF = Subgraph(
    "shelf",
    f"""
    extend schema {LINK}
    type Query {{ bookContainers: [BookContainer] }}
    type BookContainer {{ book: Book }}
    type Book @key(fields: "upc") {{ upc: ID! }}
    """,
    root={"bookContainers": [{"book": {"upc": upc}} for upc, _, _ in BOOKS]},
    entities={"Book": lambda rep: {"upc": rep["upc"]}},
)


def _catalog_book(rep: dict[str, str]) -> dict[str, str] | None:
    for upc, book_id, _ in BOOKS:
        if rep.get("upc") == upc or rep.get("id") == book_id:
            # The catalog does not know the third book: the only way on to its author is closed.
            return None if book_id == "3" else {"id": book_id, "upc": upc}
    return None


CATALOG = Subgraph(
    "catalog",
    f"""
    extend schema {LINK}
    type Book @key(fields: "id") @key(fields: "upc") {{ id: ID! upc: ID! }}
    """,
    entities={"Book": _catalog_book},
)


def _authored_book(rep: dict[str, str]) -> dict[str, object] | None:
    for _, book_id, author in BOOKS:
        if rep.get("id") == book_id:
            return {"id": book_id, "author": {"id": f"a{book_id}", "name": author}}
    return None


AUTHORS = Subgraph(
    "authors",
    f"""
    extend schema {LINK}
    type Book @key(fields: "id") {{ id: ID! author: Author }}
    type Author {{ id: ID! name: String }}
    """,
    entities={"Book": _authored_book},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([SHELF, CATALOG, AUTHORS]) as built:
        yield built


async def test_missing_key_field_skips_the_next_entity_call(gateway: CaseGateway) -> None:
    response = await gateway.run("{ bookContainers { book { upc author { name } } } }")
    assert response == {
        "data": {
            "bookContainers": [
                {"book": {"upc": "b1", "author": {"name": "Alice"}}},
                {"book": {"upc": "b2", "author": {"name": "Bob"}}},
                {"book": {"upc": "b3", "author": None}},
            ]
        }
    }


async def test_only_complete_representations_are_sent(gateway: CaseGateway) -> None:
    gateway.clear()
    await gateway.run("{ bookContainers { book { author { name } } } }")
    sent = gateway.subgraphs["authors"].received
    assert [r["variables"]["representations"] for r in sent] == [
        [{"__typename": "Book", "id": "1"}, {"__typename": "Book", "id": "2"}]
    ]

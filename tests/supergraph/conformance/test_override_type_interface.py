"""override-type-interface: a field of one implementation moved with `@override`, read through
its interface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@override", "@shareable"])'
)
MEDIA = [("Book", "b1", "Dune"), ("Movie", "m1", "Alien")]


def _media(kind: str, media_id: str, title: str) -> dict[str, Any]:
    return {"__typename": kind, "id": media_id, "title": "OLD" if kind == "Book" else title}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ media: [Media] }}
    interface Media {{ id: ID! title: String }}
    type Book implements Media @key(fields: "id") {{ id: ID! title: String }}
    type Movie implements Media @key(fields: "id") {{ id: ID! title: String }}
    """,
    root={"media": [_media(*m) for m in MEDIA]},
    entities={
        "Book": lambda rep: _media("Book", rep["id"], ""),
        "Movie": lambda rep: next(_media(*m) for m in MEDIA if m[1] == rep["id"]),
    },
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Book @key(fields: "id") {{ id: ID! title: String @override(from: "a") }}
    """,
    entities={"Book": lambda rep: {"id": rep["id"], "title": "Dune"}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_interface_field_comes_from_each_type_owner(gateway: CaseGateway) -> None:
    assert await gateway.run("{ media { id title } }") == {
        "data": {"media": [{"id": "b1", "title": "Dune"}, {"id": "m1", "title": "Alien"}]}
    }


async def test_fragment_on_the_overridden_type(gateway: CaseGateway) -> None:
    query = "{ media { __typename ... on Book { title } } }"
    assert await gateway.run(query) == {
        "data": {"media": [{"__typename": "Book", "title": "Dune"}, {"__typename": "Movie"}]}
    }

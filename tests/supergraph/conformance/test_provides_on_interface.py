"""provides-on-interface: `@provides` on a field returning an interface."""

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
ANIMALS = [("Cat", "a1", "Tom", 9), ("Dog", "a2", "Rex", 3)]


def _animal(kind: str, animal_id: str, name: str, lives: int) -> dict[str, Any]:
    return {"__typename": kind, "id": animal_id, "name": name, "lives": lives, "age": 5}


def _by_id(rep: dict[str, Any]) -> dict[str, Any]:
    return next(_animal(*a) for a in ANIMALS if a[1] == rep["id"])


OWNER = Subgraph(
    "owner",
    f"""
    extend schema {LINK}
    interface Animal {{ id: ID! name: String }}
    type Cat implements Animal @key(fields: "id") {{ id: ID! name: String @shareable lives: Int }}
    type Dog implements Animal @key(fields: "id") {{ id: ID! name: String @shareable age: Int }}
    """,
    entities={"Cat": _by_id, "Dog": _by_id},
)

SHELTER = Subgraph(
    "shelter",
    f"""
    extend schema {LINK}
    type Query {{
      animals: [Animal] @provides(fields: "... on Cat {{ name }} ... on Dog {{ name }}")
    }}
    interface Animal {{ id: ID! name: String }}
    type Cat implements Animal @key(fields: "id") {{ id: ID! name: String @external }}
    type Dog implements Animal @key(fields: "id") {{ id: ID! name: String @external }}
    """,
    root={"animals": [_animal(*a) for a in ANIMALS]},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([OWNER, SHELTER]) as built:
        yield built


async def test_provided_interface_field_takes_one_fetch(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ animals { id name } }") == {
        "data": {"animals": [{"id": "a1", "name": "Tom"}, {"id": "a2", "name": "Rex"}]}
    }
    assert gateway.subgraphs["owner"].received == []


async def test_fields_beyond_the_provided_ones_come_from_the_owner(gateway: CaseGateway) -> None:
    query = "{ animals { name ... on Cat { lives } ... on Dog { age } } }"
    assert await gateway.run(query) == {
        "data": {"animals": [{"name": "Tom", "lives": 9}, {"name": "Rex", "age": 5}]}
    }

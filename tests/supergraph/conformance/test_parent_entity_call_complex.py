"""parent-entity-call-complex: a child entity computed from a parent's required field, its other
fields from yet another subgraph."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@shareable"])'
)
PRODUCTS = {"1": "3", "2": "4"}  # product -> category

D = Subgraph(
    "d",
    f"""
    extend schema {LINK}
    type Query {{ productFromD(id: ID!): Product }}
    type Product @key(fields: "id") {{ id: ID! }}
    """,
    root={"productFromD": lambda _info, id: {"id": id} if id in PRODUCTS else None},
)

A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{ id: ID! name: String! }}
    """,
    entities={"Product": lambda rep: {"id": rep["id"], "name": f"Product#{rep['id']}"}},
)


def _categorized(rep: dict[str, Any]) -> dict[str, Any]:
    name = rep.get("name")
    category = {"id": PRODUCTS[rep["id"]], "details": f"Details for {name}"}
    return {"id": rep["id"], "category": None if name is None else category}


B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{
      id: ID!
      name: String! @external
      category: Category @requires(fields: "name")
    }}
    type Category @key(fields: "id") {{ id: ID! details: String }}
    """,
    entities={"Product": _categorized},
)

C = Subgraph(
    "c",
    f"""
    extend schema {LINK}
    type Category @key(fields: "id") {{ id: ID! name: String }}
    """,
    entities={"Category": lambda rep: {"id": rep["id"], "name": f"Category#{rep['id']}"}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B, C, D]) as built:
        yield built


async def test_child_entity_from_a_required_parent_field(gateway: CaseGateway) -> None:
    query = '{ productFromD(id: "1") { id name category { id name details } } }'
    assert await gateway.run(query) == {
        "data": {
            "productFromD": {
                "id": "1",
                "name": "Product#1",
                "category": {"id": "3", "name": "Category#3", "details": "Details for Product#1"},
            }
        }
    }


async def test_child_fields_without_the_parent_field(gateway: CaseGateway) -> None:
    query = '{ productFromD(id: "2") { category { name } } }'
    assert await gateway.run(query) == {
        "data": {"productFromD": {"category": {"name": "Category#4"}}}
    }

"""parent-entity-call: a field of a value type is reached through an entity call on its parent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])'
PRODUCTS = {"p1": ("c1", "Tools"), "p2": ("c2", "Garden")}

A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ products: [Product] }}
    type Product @key(fields: "id") {{ id: ID! category: Category @shareable }}
    type Category @shareable {{ id: ID! }}
    """,
    root={"products": [{"id": p, "category": {"id": c}} for p, (c, _) in PRODUCTS.items()]},
    entities={"Product": lambda rep: {"id": rep["id"], "category": {"id": PRODUCTS[rep["id"]][0]}}},
)


def _product(rep: dict[str, Any]) -> dict[str, Any]:
    category_id, name = PRODUCTS[rep["id"]]
    return {
        "id": rep["id"],
        "category": {"id": category_id, "details": {"name": name, "products": 3}},
    }


B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{ id: ID! category: Category @shareable }}
    type Category @shareable {{ id: ID! details: CategoryDetails }}
    type CategoryDetails {{ name: String products: Int }}
    """,
    entities={"Product": _product},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_value_type_field_through_the_parent_entity(gateway: CaseGateway) -> None:
    query = "{ products { id category { id details { name products } } } }"
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {"id": "p1", "category": {"id": "c1", "details": {"name": "Tools", "products": 3}}},
                {
                    "id": "p2",
                    "category": {"id": "c2", "details": {"name": "Garden", "products": 3}},
                },
            ]
        }
    }


async def test_parent_entity_call_sends_the_parent_key(gateway: CaseGateway) -> None:
    gateway.clear()
    await gateway.run("{ products { category { details { name } } } }")
    sent = gateway.subgraphs["b"].received[0]["variables"]["representations"]
    assert sent == [{"__typename": "Product", "id": "p1"}, {"__typename": "Product", "id": "p2"}]

"""shared-root: a `@shareable` root field whose value type no single subgraph completes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])'


def _part(name: str, field: str, value: object) -> Subgraph:
    return Subgraph(
        name,
        f"""
        extend schema {LINK}
        type Query {{ product: Product @shareable products: [Product] @shareable }}
        type Product @shareable {{ id: ID! {field} }}
        """,
        root={
            "product": {"id": "1", field.split(":")[0]: value},
            "products": [{"id": str(i), field.split(":")[0]: value} for i in (1, 2)],
        },
    )


NAME = _part("name", "name: String!", "Lamp")
PRICE = _part("price", "price: Float!", 42.5)
CATEGORY = _part("category", "category: String!", "Home")


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([NAME, PRICE, CATEGORY]) as built:
        yield built


async def test_each_subgraph_answers_its_part_of_one_object(gateway: CaseGateway) -> None:
    assert await gateway.run("{ product { id name price category } }") == {
        "data": {"product": {"id": "1", "name": "Lamp", "price": 42.5, "category": "Home"}}
    }


async def test_parts_merge_item_by_item_in_lists(gateway: CaseGateway) -> None:
    assert await gateway.run("{ products { id name category } }") == {
        "data": {
            "products": [
                {"id": "1", "name": "Lamp", "category": "Home"},
                {"id": "2", "name": "Lamp", "category": "Home"},
            ]
        }
    }


async def test_a_field_one_subgraph_has_takes_one_fetch(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ product { price } }") == {"data": {"product": {"price": 42.5}}}
    asked = [name for name, s in gateway.subgraphs.items() if s.received]
    assert asked == ["price"]

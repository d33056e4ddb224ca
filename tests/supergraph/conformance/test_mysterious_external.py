"""mysterious-external: an `@external` field no directive uses is never read from the subgraph
that declares it (Federation 1 tolerates such declarations)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

PRODUCTS = {"p1": "Lamp", "p2": "Desk"}

OWNER = Subgraph(
    "owner",
    """
    type Query { products: [Product] }
    type Product @key(fields: "upc") { upc: String! name: String }
    """,
    root={"products": [{"upc": u, "name": n} for u, n in PRODUCTS.items()]},
    entities={"Product": lambda rep: {"upc": rep["upc"], "name": PRODUCTS[rep["upc"]]}},
)

PRICES = Subgraph(
    "prices",
    """
    type Query { cheapest: Product }
    extend type Product @key(fields: "upc") {
      upc: String! @external
      name: String @external
      price: Int
    }
    """,
    # a subgraph that answered `name` would give this wrong value
    root={"cheapest": {"upc": "p2", "name": "WRONG", "price": 10}},
    entities={"Product": lambda rep: {"upc": rep["upc"], "name": "WRONG", "price": 10}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([OWNER, PRICES]) as built:
        yield built


async def test_external_field_comes_from_its_owner(gateway: CaseGateway) -> None:
    assert await gateway.run("{ cheapest { upc name price } }") == {
        "data": {"cheapest": {"upc": "p2", "name": "Desk", "price": 10}}
    }


async def test_owner_root_with_the_extender_field(gateway: CaseGateway) -> None:
    assert await gateway.run("{ products { name price } }") == {
        "data": {"products": [{"name": "Lamp", "price": 10}, {"name": "Desk", "price": 10}]}
    }

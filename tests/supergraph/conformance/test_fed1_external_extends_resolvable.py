"""fed1-external-extends-resolvable: Federation 1 extensions with `@external` keys, an entity
reached through a second key that only the owner knows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

A = Subgraph(
    "a",
    """
    type Query { productInA: Product }
    type Product @key(fields: "id") @extends { id: ID! @external pid: ID }
    """,
    root={"productInA": {"id": "p1", "pid": "p1-pid"}},
    entities={"Product": lambda rep: {"id": rep["id"], "pid": f"{rep['id']}-pid"}},
)

OWNER = Subgraph(
    "owner",
    """
    type Query { products: [Product] }
    type Product @key(fields: "id") @key(fields: "upc") { id: ID! upc: String! name: String }
    """,
    root={"products": [{"id": "p1", "upc": "upc1", "name": "p1-name"}]},
    entities={"Product": lambda rep: {"id": "p1", "upc": "upc1", "name": "p1-name"}},
)

PRICES = Subgraph(
    "prices",
    """
    extend type Product @key(fields: "upc") { upc: String! @external price: Float }
    """,
    entities={"Product": lambda rep: {"upc": rep["upc"], "price": 12.3}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, OWNER, PRICES]) as built:
        yield built


async def test_fields_through_a_second_key(gateway: CaseGateway) -> None:
    assert await gateway.run("{ productInA { id pid price upc name } }") == {
        "data": {
            "productInA": {
                "id": "p1",
                "pid": "p1-pid",
                "price": 12.3,
                "upc": "upc1",
                "name": "p1-name",
            }
        }
    }


async def test_owner_root_reaches_the_extensions(gateway: CaseGateway) -> None:
    assert await gateway.run("{ products { pid price } }") == {
        "data": {"products": [{"pid": "p1-pid", "price": 12.3}]}
    }

"""requires-with-argument-conflict: two `@requires` of one field with different arguments."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph
from tests.supergraph.conformance.test_requires_with_argument import CATALOG, LINK


def _estimates(rep: dict[str, Any]) -> dict[str, Any]:
    price, weight = rep.get("price"), rep.get("weight")
    value = None if price is None or weight is None else price * weight * 10
    category = rep.get("category")
    return {
        "upc": rep["upc"],
        # each estimate reads `price` from its own representation
        "shippingEstimate": value,
        "shippingEstimateEUR": value,
        "isExpensiveCategory": None if category is None else category["averagePrice"] > 11,
    }


SHIPPING = Subgraph(
    "shipping",
    f"""
    extend schema {LINK}
    type Product @key(fields: "upc") {{
      upc: String!
      weight: Int @external
      price(currency: String!): Int @external
      shippingEstimate: Int @requires(fields: "price(currency: \\"USD\\") weight")
      shippingEstimateEUR: Int @requires(fields: "price(currency: \\"EUR\\") weight")
      category: Category @external
      isExpensiveCategory: Boolean
        @requires(fields: "category {{ averagePrice(currency: \\"USD\\") }}")
    }}
    type Category @external {{ averagePrice(currency: String!): Int }}
    """,
    entities={"Product": _estimates},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([CATALOG, SHIPPING]) as built:
        yield built


async def test_each_requirement_gets_its_own_arguments(gateway: CaseGateway) -> None:
    query = "{ products { upc name shippingEstimate shippingEstimateEUR isExpensiveCategory } }"
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {
                    "upc": "p1",
                    "name": "p-name-1",
                    "shippingEstimate": 110,
                    "shippingEstimateEUR": 220,
                    "isExpensiveCategory": False,
                },
                {
                    "upc": "p2",
                    "name": "p-name-2",
                    "shippingEstimate": 440,
                    "shippingEstimateEUR": 880,
                    "isExpensiveCategory": True,
                },
            ]
        }
    }

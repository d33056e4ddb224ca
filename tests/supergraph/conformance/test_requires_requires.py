"""requires-requires: a `@requires` whose required field has its own `@requires`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])'
)
PRICES = {"p1": 100, "p2": 2000}

BASE = Subgraph(
    "base",
    f"""
    extend schema {LINK}
    type Query {{ products: [Product] }}
    type Product @key(fields: "id") {{ id: ID! price: Int! }}
    """,
    root={"products": [{"id": i, "price": p} for i, p in PRICES.items()]},
    entities={"Product": lambda rep: {"id": rep["id"], "price": PRICES[rep["id"]]}},
)


def _taxed(rep: dict[str, Any]) -> dict[str, Any]:
    price = rep.get("price")
    return {
        "id": rep["id"],
        "tax": None if price is None else price // 10,
        "isExpensive": None if price is None else price > 1000,
    }


TAX = Subgraph(
    "tax",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{
      id: ID!
      price: Int! @external
      tax: Int! @requires(fields: "price")
      isExpensive: Boolean! @requires(fields: "price")
    }}
    """,
    entities={"Product": _taxed},
)


def _totals(rep: dict[str, Any]) -> dict[str, Any]:
    tax = rep.get("tax")
    expensive = rep.get("isExpensive")
    return {
        "id": rep["id"],
        "total": None if tax is None else tax * 11,
        "hasDiscount": None if expensive is None else expensive,
        "discountedTotal": None
        if tax is None or expensive is None
        else tax * 11 - (500 if expensive else 0),
    }


TOTALS = Subgraph(
    "totals",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{
      id: ID!
      tax: Int! @external
      isExpensive: Boolean! @external
      total: Int! @requires(fields: "tax")
      hasDiscount: Boolean! @requires(fields: "isExpensive")
      discountedTotal: Int! @requires(fields: "tax isExpensive")
    }}
    """,
    entities={"Product": _totals},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([BASE, TAX, TOTALS]) as built:
        yield built


async def test_requirement_that_has_a_requirement(gateway: CaseGateway) -> None:
    assert await gateway.run("{ products { id total } }") == {
        "data": {"products": [{"id": "p1", "total": 110}, {"id": "p2", "total": 2200}]}
    }


async def test_two_chained_requirements_together(gateway: CaseGateway) -> None:
    query = "{ products { hasDiscount discountedTotal tax } }"
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {"hasDiscount": False, "discountedTotal": 110, "tax": 10},
                {"hasDiscount": True, "discountedTotal": 1700, "tax": 200},
            ]
        }
    }


async def test_chain_runs_in_order_once_per_subgraph(gateway: CaseGateway) -> None:
    gateway.clear()
    await gateway.run("{ products { total hasDiscount } }")
    assert len(gateway.subgraphs["tax"].received) == 1
    assert len(gateway.subgraphs["totals"].received) == 1

"""simple-requires-provides: `@requires` computes from another subgraph, `@provides` saves a hop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@provides", "@shareable"])'
)
PRODUCTS = {"1": ("Table", 899, 100), "2": ("Couch", 1299, 1000)}
USERS = {"u1": "Ada", "u2": "Alan"}
REVIEWS = [("r1", "1", "u1", "Love it"), ("r2", "2", "u2", "Too soft"), ("r3", "1", "u2", "Meh")]


def _product(upc: str) -> dict[str, Any]:
    name, price, weight = PRODUCTS[upc]
    return {"upc": upc, "name": name, "price": price, "weight": weight}


PRODUCTS_SG = Subgraph(
    "products",
    f"""
    extend schema {LINK}
    type Query {{ topProducts: [Product] }}
    type Product @key(fields: "upc") {{ upc: String! name: String price: Int weight: Int }}
    """,
    root={"topProducts": [_product(upc) for upc in PRODUCTS]},
    entities={"Product": lambda rep: _product(rep["upc"])},
)


def _stock(rep: dict[str, Any]) -> dict[str, Any]:
    estimate = None
    if "price" in rep and "weight" in rep:
        estimate = 0 if rep["price"] > 1000 else rep["weight"] // 2
    return {"upc": rep["upc"], "inStock": rep["upc"] == "1", "shippingEstimate": estimate}


INVENTORY = Subgraph(
    "inventory",
    f"""
    extend schema {LINK}
    type Product @key(fields: "upc") {{
      upc: String!
      weight: Int @external
      price: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }}
    """,
    entities={"Product": _stock},
)

ACCOUNTS = Subgraph(
    "accounts",
    f"""
    extend schema {LINK}
    type Query {{ me: User }}
    type User @key(fields: "id") {{ id: ID! name: String @shareable username: String }}
    """,
    root={"me": {"id": "u1", "name": "Ada", "username": "@ada"}},
    entities={"User": lambda rep: {"id": rep["id"], "name": USERS[rep["id"]], "username": "@x"}},
)


def _review(review_id: str, upc: str, author: str, body: str) -> dict[str, Any]:
    return {
        "id": review_id,
        "body": body,
        "product": {"upc": upc},
        "author": {"id": author, "name": USERS[author]},
    }


REVIEWS_SG = Subgraph(
    "reviews",
    f"""
    extend schema {LINK}
    type Review @key(fields: "id") {{
      id: ID!
      body: String
      author: User @provides(fields: "name")
      product: Product
    }}
    type User @key(fields: "id") {{
      id: ID!
      name: String @external
      reviews: [Review]
    }}
    type Product @key(fields: "upc") {{ upc: String! reviews: [Review] }}
    """,
    entities={
        "Product": lambda rep: {
            "upc": rep["upc"],
            "reviews": [_review(*r) for r in REVIEWS if r[1] == rep["upc"]],
        },
        "User": lambda rep: {
            "id": rep["id"],
            "reviews": [_review(*r) for r in REVIEWS if r[2] == rep["id"]],
        },
    },
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([PRODUCTS_SG, INVENTORY, ACCOUNTS, REVIEWS_SG]) as built:
        yield built


async def test_requires_sends_the_required_fields(gateway: CaseGateway) -> None:
    assert await gateway.run("{ topProducts { name shippingEstimate inStock } }") == {
        "data": {
            "topProducts": [
                {"name": "Table", "shippingEstimate": 50, "inStock": True},
                {"name": "Couch", "shippingEstimate": 0, "inStock": False},
            ]
        }
    }
    sent = gateway.subgraphs["inventory"].received[-1]["variables"]["representations"]
    assert sent == [
        {"__typename": "Product", "upc": "1", "price": 899, "weight": 100},
        {"__typename": "Product", "upc": "2", "price": 1299, "weight": 1000},
    ]


async def test_provided_field_is_not_fetched_again(gateway: CaseGateway) -> None:
    gateway.clear()
    query = "{ topProducts { reviews { author { name } } } }"
    assert await gateway.run(query) == {
        "data": {
            "topProducts": [
                {"reviews": [{"author": {"name": "Ada"}}, {"author": {"name": "Alan"}}]},
                {"reviews": [{"author": {"name": "Alan"}}]},
            ]
        }
    }
    assert gateway.subgraphs["accounts"].received == []


async def test_field_beyond_the_provided_ones_needs_the_owner(gateway: CaseGateway) -> None:
    query = "{ me { reviews { author { name username } product { name } } } }"
    assert await gateway.run(query) == {
        "data": {
            "me": {
                "reviews": [
                    {"author": {"name": "Ada", "username": "@x"}, "product": {"name": "Table"}}
                ]
            }
        }
    }

"""requires-with-argument: `@requires` of fields with arguments, and arguments beside requires."""

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
RATES = {"USD": 1, "EUR": 2}
PRODUCTS = {"p1": (11, 1, 10), "p2": (22, 2, 12)}  # price in USD, weight, category average


def _product(upc: str) -> dict[str, Any]:
    price, weight, average = PRODUCTS[upc]
    return {
        "upc": upc,
        "name": f"p-name-{upc[1:]}",
        "price": lambda _info, currency: price * RATES[currency],
        "weight": weight,
        "category": {"averagePrice": lambda _info, currency: average * RATES[currency]},
    }


CATALOG = Subgraph(
    "catalog",
    f"""
    extend schema {LINK}
    type Query {{ products: [Product] }}
    type Product @key(fields: "upc") {{
      upc: String!
      name: String
      price(currency: String!): Int
      weight: Int
      category: Category
    }}
    type Category {{ averagePrice(currency: String!): Int }}
    """,
    root={"products": [_product(upc) for upc in PRODUCTS]},
    entities={"Product": lambda rep: _product(rep["upc"])},
)


def _shipping(rep: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"upc": rep["upc"], "shippingEstimate": None}
    if "price" in rep and "weight" in rep:
        found["shippingEstimate"] = rep["price"] * rep["weight"] * 10
    category = rep.get("category")
    found["isExpensiveCategory"] = None if category is None else category["averagePrice"] > 11
    return found


SHIPPING = Subgraph(
    "shipping",
    f"""
    extend schema {LINK}
    type Product @key(fields: "upc") {{
      upc: String!
      weight: Int @external
      price(currency: String!): Int @external
      shippingEstimate: Int @requires(fields: "price(currency: \\"USD\\") weight")
      category: Category @external
      isExpensiveCategory: Boolean
        @requires(fields: "category {{ averagePrice(currency: \\"USD\\") }}")
    }}
    type Category @external {{ averagePrice(currency: String!): Int }}
    """,
    entities={"Product": _shipping},
)

COMMENTS = {"post1": ["c1", "c2", "c3"], "post2": ["c4", "c5", "c6"]}
SPAM = {"c3"}


def _post(post_id: str) -> dict[str, Any]:
    return {
        "id": post_id,
        "author": {"id": "a2" if post_id == "post1" else "a1"},
        "comments": lambda _info, limit: [
            {"id": c, "body": "buy now" if c in SPAM else "nice"} for c in COMMENTS[post_id][:limit]
        ],
    }


POSTS = Subgraph(
    "posts",
    f"""
    extend schema {LINK}
    type Query {{ feed: [Post] }}
    type Post @key(fields: "id") {{ id: ID! author: Author comments(limit: Int!): [Comment] }}
    type Author {{ id: ID! }}
    type Comment @key(fields: "id") {{ id: ID! body: String! }}
    """,
    root={"feed": [_post(post_id) for post_id in COMMENTS]},
)

MODERATION = Subgraph(
    "moderation",
    f"""
    extend schema {LINK}
    type Comment @key(fields: "id") {{
      id: ID!
      body: String! @external
      isCommentSpam: Boolean @requires(fields: "body")
    }}
    """,
    entities={
        "Comment": lambda rep: {
            "id": rep["id"],
            "isCommentSpam": None if "body" not in rep else rep["body"] == "buy now",
        }
    },
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([CATALOG, SHIPPING, POSTS, MODERATION]) as built:
        yield built


async def test_required_field_with_a_literal_argument(gateway: CaseGateway) -> None:
    assert await gateway.run("{ products { upc name shippingEstimate } }") == {
        "data": {
            "products": [
                {"upc": "p1", "name": "p-name-1", "shippingEstimate": 110},
                {"upc": "p2", "name": "p-name-2", "shippingEstimate": 440},
            ]
        }
    }


async def test_client_argument_beside_the_required_one(gateway: CaseGateway) -> None:
    query = '{ products { price(currency: "EUR") shippingEstimate } }'
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {"price": 22, "shippingEstimate": 110},
                {"price": 44, "shippingEstimate": 440},
            ]
        }
    }


async def test_nested_required_field_with_an_argument(gateway: CaseGateway) -> None:
    assert await gateway.run("{ products { isExpensiveCategory } }") == {
        "data": {"products": [{"isExpensiveCategory": False}, {"isExpensiveCategory": True}]}
    }


async def test_argument_of_a_parent_of_an_entity_call(gateway: CaseGateway) -> None:
    assert await gateway.run("{ feed { comments(limit: 3) { isCommentSpam } } }") == {
        "data": {
            "feed": [
                {
                    "comments": [
                        {"isCommentSpam": False},
                        {"isCommentSpam": False},
                        {"isCommentSpam": True},
                    ]
                },
                {"comments": [{"isCommentSpam": False}] * 3},
            ]
        }
    }


async def test_variable_argument_through_two_fragments(gateway: CaseGateway) -> None:
    query = """
      query ($limit: Int = 1) { feed { author { id } ...Foo ...Bar } }
      fragment Foo on Post { comments(limit: $limit) { id } }
      fragment Bar on Post { comments(limit: $limit) { id isCommentSpam } }
    """
    assert await gateway.run(query) == {
        "data": {
            "feed": [
                {"author": {"id": "a2"}, "comments": [{"id": "c1", "isCommentSpam": False}]},
                {"author": {"id": "a1"}, "comments": [{"id": "c4", "isCommentSpam": False}]},
            ]
        }
    }
    assert await gateway.run(query, {"limit": 3}) == {
        "data": {
            "feed": [
                {
                    "author": {"id": "a2"},
                    "comments": [
                        {"id": "c1", "isCommentSpam": False},
                        {"id": "c2", "isCommentSpam": False},
                        {"id": "c3", "isCommentSpam": True},
                    ],
                },
                {
                    "author": {"id": "a1"},
                    "comments": [{"id": f"c{n}", "isCommentSpam": False} for n in (4, 5, 6)],
                },
            ]
        }
    }


async def test_client_asks_a_required_nested_field_with_other_arguments(
    gateway: CaseGateway,
) -> None:
    query = '{ products { isExpensiveCategory category { averagePrice(currency: "EUR") } } }'
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {"isExpensiveCategory": False, "category": {"averagePrice": 20}},
                {"isExpensiveCategory": True, "category": {"averagePrice": 24}},
            ]
        }
    }
    sent = gateway.subgraphs["shipping"].received[-1]["variables"]["representations"]
    assert [r["category"] for r in sent] == [{"averagePrice": 10}, {"averagePrice": 12}]


async def test_client_asks_a_required_field_with_other_arguments(gateway: CaseGateway) -> None:
    query = '{ products { price(currency: "EUR") shippingEstimate } }'
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {"price": 22, "shippingEstimate": 110},
                {"price": 44, "shippingEstimate": 440},
            ]
        }
    }

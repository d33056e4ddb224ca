"""node: a Relay-style `Node` interface field whose object's fields live in other subgraphs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
NODES = {"p-1": "Product", "c-1": "Category"}

NODE = Subgraph(
    "node",
    f"""
    extend schema {LINK}
    type Query {{ productNode: Node node(id: ID!): Node }}
    interface Node {{ id: ID! }}
    type Product implements Node @key(fields: "id") {{ id: ID! }}
    type Category implements Node @key(fields: "id") {{ id: ID! }}
    """,
    root={
        "productNode": {"__typename": "Product", "id": "p-1"},
        "node": lambda _info, id: {"__typename": NODES[id], "id": id} if id in NODES else None,
    },
)

PRODUCTS = Subgraph(
    "products",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{ id: ID! name: String! }}
    """,
    entities={"Product": lambda rep: {"id": rep["id"], "name": "Product 1"}},
)

PRICES = Subgraph(
    "prices",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{ id: ID! price: Int! }}
    type Category @key(fields: "id") {{ id: ID! label: String! }}
    """,
    entities={
        "Product": lambda rep: {"id": rep["id"], "price": 10},
        "Category": lambda rep: {"id": rep["id"], "label": "Tools"},
    },
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([NODE, PRODUCTS, PRICES]) as built:
        yield built


async def test_fields_of_the_node_type_from_two_subgraphs(gateway: CaseGateway) -> None:
    query = "{ productNode { ... on Product { id name __typename price } } }"
    assert await gateway.run(query) == {
        "data": {
            "productNode": {"id": "p-1", "name": "Product 1", "__typename": "Product", "price": 10}
        }
    }


async def test_node_by_id_of_each_type(gateway: CaseGateway) -> None:
    query = """
      query ($a: ID!, $b: ID!) {
        a: node(id: $a) { id ... on Product { price } ... on Category { label } }
        b: node(id: $b) { __typename ... on Product { name } ... on Category { label } }
        missing: node(id: "x") { id }
      }
    """
    assert await gateway.run(query, {"a": "p-1", "b": "c-1"}) == {
        "data": {
            "a": {"id": "p-1", "price": 10},
            "b": {"__typename": "Category", "label": "Tools"},
            "missing": None,
        }
    }

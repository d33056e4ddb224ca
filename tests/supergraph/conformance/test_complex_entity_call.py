"""complex-entity-call: keys made of a list of entities, compound keys, and a cycle back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])'
PRODUCTS = {"1": ("p1", 100, "c1", "t1"), "2": ("p2", 200, "c2", "t2")}

LIST = Subgraph(
    "list",
    f"""
    extend schema {LINK}
    type Query {{ topProducts: ProductList! }}
    type ProductList @key(fields: "products {{ id }}") {{ products: [Product!]! }}
    type Product @key(fields: "id") {{ id: ID! }}
    """,
    root={"topProducts": {"products": [{"id": i} for i in PRODUCTS]}},
)


def _selection(rep: dict[str, Any]) -> dict[str, Any]:
    products = rep["products"]
    return {"products": products, "first": products[0], "selected": products[-1]}


SELECTION = Subgraph(
    "selection",
    f"""
    extend schema {LINK}
    type ProductList @key(fields: "products {{ id }}") {{
      products: [Product!]!
      first: Product
      selected: Product
    }}
    type Product @key(fields: "id") {{ id: ID! }}
    """,
    entities={"ProductList": _selection},
)

LINKS = Subgraph(
    "links",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") @key(fields: "id pid") {{ id: ID! pid: ID! }}
    """,
    entities={"Product": lambda rep: {"id": rep["id"], "pid": PRODUCTS[rep["id"]][0]}},
)


def _priced(rep: dict[str, Any]) -> dict[str, Any] | None:
    pid, price, _, _ = PRODUCTS[rep["id"]]
    if rep.get("pid") != pid:
        return None
    return {"id": rep["id"], "pid": pid, "price": {"price": price}}


PRICE = Subgraph(
    "price",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id pid") {{ id: ID! pid: ID! price: Price }}
    type Price {{ price: Int! }}
    """,
    entities={"Product": _priced},
)


def _categorized(rep: dict[str, Any]) -> dict[str, Any]:
    _, _, category, tag = PRODUCTS[rep["id"]]
    return {
        "id": rep["id"],
        "category": {"id": category, "tag": tag, "mainProduct": {"id": rep["id"]}},
    }


CATEGORY = Subgraph(
    "category",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{ id: ID! category: Category }}
    type Category {{ id: ID! tag: String mainProduct: Product! }}
    """,
    entities={"Product": _categorized},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([LIST, SELECTION, LINKS, PRICE, CATEGORY]) as built:
        yield built


async def test_many_hops_and_a_list_key(gateway: CaseGateway) -> None:
    query = """
      { topProducts {
          products { id pid price { price } category { mainProduct { id } id tag } }
          selected { id }
          first { id } } }
    """
    assert await gateway.run(query) == {
        "data": {
            "topProducts": {
                "products": [
                    {
                        "id": "1",
                        "pid": "p1",
                        "price": {"price": 100},
                        "category": {"mainProduct": {"id": "1"}, "id": "c1", "tag": "t1"},
                    },
                    {
                        "id": "2",
                        "pid": "p2",
                        "price": {"price": 200},
                        "category": {"mainProduct": {"id": "2"}, "id": "c2", "tag": "t2"},
                    },
                ],
                "selected": {"id": "2"},
                "first": {"id": "1"},
            }
        }
    }


async def test_cycle_back_to_an_entity_of_another_subgraph(gateway: CaseGateway) -> None:
    query = "{ topProducts { first { category { mainProduct { pid price { price } } } } } }"
    assert await gateway.run(query) == {
        "data": {
            "topProducts": {
                "first": {"category": {"mainProduct": {"pid": "p1", "price": {"price": 100}}}}
            }
        }
    }

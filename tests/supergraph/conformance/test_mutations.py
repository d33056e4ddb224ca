"""mutations: root mutation fields of several subgraphs run in order, then their entity calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])'

JOURNAL: list[str] = []
NUMBERS: dict[str, int] = {"value": 0}
PRODUCTS: dict[str, str] = {}


def _add(_info: object, by: int) -> int:
    JOURNAL.append(f"add {by}")
    NUMBERS["value"] += by
    return NUMBERS["value"]


def _multiply(_info: object, by: int) -> int:
    JOURNAL.append(f"multiply {by}")
    NUMBERS["value"] *= by
    return NUMBERS["value"]


def _add_product(_info: object, name: str) -> dict[str, Any]:
    JOURNAL.append(f"addProduct {name}")
    product_id = f"p{len(PRODUCTS) + 1}"
    PRODUCTS[product_id] = name
    return {"id": product_id, "name": name}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ value: Int! @shareable }}
    type Mutation {{ add(by: Int!): Int! addProduct(name: String!): Product! }}
    type Product @key(fields: "id") {{ id: ID! name: String! }}
    """,
    root={"value": lambda _info: NUMBERS["value"], "add": _add, "addProduct": _add_product},
    entities={"Product": lambda rep: {"id": rep["id"], "name": PRODUCTS[rep["id"]]}},
)


def _stock(rep: dict[str, Any]) -> dict[str, Any]:
    JOURNAL.append(f"stock {rep['id']}")
    return {"id": rep["id"], "inStock": len(PRODUCTS[rep["id"]]) > 3}


B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ value: Int! @shareable }}
    type Mutation {{ multiply(by: Int!): Int! }}
    type Product @key(fields: "id") {{ id: ID! inStock: Boolean! }}
    """,
    root={"value": lambda _info: NUMBERS["value"], "multiply": _multiply},
    entities={"Product": _stock},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    JOURNAL.clear()
    NUMBERS["value"] = 0
    PRODUCTS.clear()


async def test_root_fields_of_alternating_subgraphs_run_in_client_order(
    gateway: CaseGateway,
) -> None:
    query = (
        "mutation { one: add(by: 1) two: multiply(by: 10) three: add(by: 5) four: multiply(by: 2) }"
    )
    assert await gateway.run(query) == {"data": {"one": 1, "two": 10, "three": 15, "four": 30}}
    assert JOURNAL == ["add 1", "multiply 10", "add 5", "multiply 2"]


async def test_entity_fields_of_a_mutation_result_follow_their_mutation(
    gateway: CaseGateway,
) -> None:
    query = """
      mutation {
        first: addProduct(name: "Lamp") { id name inStock }
        n: multiply(by: 3)
        second: addProduct(name: "Pen") { id inStock }
      }
    """
    assert await gateway.run(query) == {
        "data": {
            "first": {"id": "p1", "name": "Lamp", "inStock": True},
            "n": 0,
            "second": {"id": "p2", "inStock": False},
        }
    }
    assert JOURNAL == ["addProduct Lamp", "stock p1", "multiply 3", "addProduct Pen", "stock p2"]


async def test_mutation_with_variables(gateway: CaseGateway) -> None:
    query = "mutation ($by: Int!) { add(by: $by) multiply(by: $by) }"
    assert await gateway.run(query, {"by": 4}) == {"data": {"add": 4, "multiply": 16}}

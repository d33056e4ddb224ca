"""include-skip: `@include`/`@skip` on fields of another subgraph, from variable defaults."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'


def _never_called(_info: object) -> bool:
    raise AssertionError("a skipped field was resolved")


PRICES = Subgraph(
    "prices",
    f"""
    extend schema {LINK}
    type Query {{ product: Product }}
    type Product @key(fields: "id") {{ id: ID! price: Float! }}
    """,
    root={"product": {"id": "p1", "price": 699.99}},
)

FLAGS = Subgraph(
    "flags",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{
      id: ID!
      include: Boolean!
      skip: Boolean!
      neverCalledInclude: Boolean!
      neverCalledSkip: Boolean!
    }}
    """,
    entities={
        "Product": lambda rep: {
            "id": rep["id"],
            "include": True,
            "skip": True,
            "neverCalledInclude": _never_called,
            "neverCalledSkip": _never_called,
        }
    },
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([PRICES, FLAGS]) as built:
        yield built


async def test_include_false_drops_the_field_and_its_fetch(gateway: CaseGateway) -> None:
    gateway.clear()
    query = (
        "query ($bool: Boolean = false)"
        " { product { price neverCalledInclude @include(if: $bool) } }"
    )
    assert await gateway.run(query) == {"data": {"product": {"price": 699.99}}}
    assert gateway.subgraphs["flags"].received == []


async def test_skip_true_drops_the_field_and_its_fetch(gateway: CaseGateway) -> None:
    gateway.clear()
    query = "query ($bool: Boolean = true) { product { price neverCalledSkip @skip(if: $bool) } }"
    assert await gateway.run(query) == {"data": {"product": {"price": 699.99}}}
    assert gateway.subgraphs["flags"].received == []


async def test_include_true_fetches_the_field(gateway: CaseGateway) -> None:
    query = "query ($bool: Boolean = true) { product { price include @include(if: $bool) } }"
    assert await gateway.run(query) == {"data": {"product": {"price": 699.99, "include": True}}}


async def test_skip_false_fetches_the_field(gateway: CaseGateway) -> None:
    query = "query ($bool: Boolean = false) { product { price skip @skip(if: $bool) } }"
    assert await gateway.run(query) == {"data": {"product": {"price": 699.99, "skip": True}}}


async def test_given_variable_overrides_the_default(gateway: CaseGateway) -> None:
    query = "query ($bool: Boolean = false) { product { price include @include(if: $bool) } }"
    assert await gateway.run(query, {"bool": True}) == {
        "data": {"product": {"price": 699.99, "include": True}}
    }


async def test_literal_conditions_apply_without_variables(gateway: CaseGateway) -> None:
    query = "{ product { price skip @skip(if: false) neverCalledSkip @skip(if: true) } }"
    assert await gateway.run(query) == {"data": {"product": {"price": 699.99, "skip": True}}}

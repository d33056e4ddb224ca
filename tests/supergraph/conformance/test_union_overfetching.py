"""union-overfetching: entity calls for one union member are not made for objects of another."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from graphql import parse

from supergraph.plan.printer import print_plan
from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'

REVIEWS = Subgraph(
    "reviews",
    f"""
    extend schema {LINK}
    type Query {{ review: Review }}
    union Review = AnonymousReview | UserReview
    type AnonymousReview {{ id: ID! product: Product }}
    type UserReview {{ id: ID! product: Product }}
    type Product @key(fields: "id") {{ id: ID! }}
    """,
    root={"review": {"__typename": "AnonymousReview", "id": "r1", "product": {"id": "1"}}},
)


def _part(name: str, field: str) -> Subgraph:
    return Subgraph(
        name,
        f"""
        extend schema {LINK}
        type Product @key(fields: "id") {{ id: ID! {field}: String }}
        """,
        entities={"Product": lambda rep: {"id": rep["id"], field: f"{field} for {rep['id']}"}},
    )


B, C, D = _part("b", "b"), _part("c", "c"), _part("d", "d")


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([REVIEWS, B, C, D]) as built:
        yield built


async def test_response_holds_only_the_runtime_member_fields(gateway: CaseGateway) -> None:
    query = """
      { review {
          ... on AnonymousReview { product { b } }
          ... on UserReview { product { c d } } } }
    """
    assert await gateway.run(query) == {"data": {"review": {"product": {"b": "b for 1"}}}}


async def test_fields_of_the_other_member_are_not_fetched(gateway: CaseGateway) -> None:
    gateway.clear()
    query = """
      { review {
          ... on AnonymousReview { product { b } }
          ... on UserReview { product { c d } } } }
    """
    assert await gateway.run(query) == {"data": {"review": {"product": {"b": "b for 1"}}}}
    assert gateway.subgraphs["c"].received == []
    assert gateway.subgraphs["d"].received == []


async def test_entity_fetches_carry_the_type_condition_of_their_ancestor(
    gateway: CaseGateway,
) -> None:
    snapshot = gateway.runner.gateway.snapshot
    assert snapshot is not None
    query = (
        "{ review { ... on AnonymousReview { product { b } }"
        " ... on UserReview { product { c } } } }"
    )
    printed = print_plan(snapshot.planner.plan(parse(query), None))
    assert 'Flatten(path: "review|[AnonymousReview].product")' in printed
    assert 'Flatten(path: "review|[UserReview].product")' in printed

"""input-object-intersection: an input type keeps only the fields every subgraph defines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])'
NAMES = ["lamp", "desk", "lampshade"]


def _search(_info: object, filter: dict[str, Any]) -> list[str]:
    assert set(filter) <= {"name", "limit"}, filter
    found = [n for n in NAMES if filter["name"] in n]
    return found[: filter.get("limit", 10)]


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ searchA(filter: Filter!): [String!]! }}
    input Filter {{ name: String! limit: Int = 10 minPrice: Int }}
    """,
    root={"searchA": _search},
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ searchB(filter: Filter!): [String!]! }}
    input Filter {{ name: String! limit: Int = 10 tag: String }}
    """,
    root={"searchB": _search},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


def test_api_input_type_has_only_the_common_fields(gateway: CaseGateway) -> None:
    snapshot = gateway.runner.gateway.snapshot
    assert snapshot is not None
    fields = snapshot.api_schema.type_map["Filter"].fields  # type: ignore[attr-defined]
    assert sorted(fields) == ["limit", "name"]


async def test_common_fields_reach_both_subgraphs(gateway: CaseGateway) -> None:
    query = '{ searchA(filter: { name: "lamp" }) searchB(filter: { name: "lamp", limit: 1 }) }'
    assert await gateway.run(query) == {
        "data": {"searchA": ["lamp", "lampshade"], "searchB": ["lamp"]}
    }


async def test_common_fields_from_a_variable(gateway: CaseGateway) -> None:
    query = "query ($f: Filter!) { searchB(filter: $f) }"
    assert await gateway.run(query, {"f": {"name": "desk"}}) == {"data": {"searchB": ["desk"]}}


async def test_field_of_one_subgraph_is_refused(gateway: CaseGateway) -> None:
    response = await gateway.run('{ searchA(filter: { name: "x", minPrice: 3 }) }')
    assert [e["extensions"]["code"] for e in response["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]

"""keys-mashup: a compound key with a nested object is the only way from one subgraph to the
other, and a `@requires` rides on it."""

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
AS = {"1": ("p1", "x", "y"), "2": ("p2", "z", "w")}


def _a(a_id: str) -> dict[str, Any]:
    p_id, one, two = AS[a_id]
    return {
        "id": a_id,
        "pId": p_id,
        "compositeId": {"one": one, "two": two, "three": f"{one}{two}"},
        "name": f"a.{a_id}",
    }


def _by_any_key(rep: dict[str, Any]) -> dict[str, Any] | None:
    for a_id, (p_id, one, two) in AS.items():
        composite = rep.get("compositeId") or {}
        if rep.get("id") == a_id or (
            rep.get("pId") == p_id and composite.get("one") == one and composite.get("two") == two
        ):
            return _a(a_id)
    return None


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type A @key(fields: "id") @key(fields: "pId compositeId {{ one two }}") {{
      id: ID!
      pId: ID!
      compositeId: CompositeID!
      name: String!
    }}
    type CompositeID @shareable {{ one: ID! two: ID! three: ID! }}
    """,
    entities={"A": _by_any_key},
)


def _a_in_b(rep: dict[str, Any]) -> dict[str, Any] | None:
    found = _by_any_key(rep)
    if found is None:
        return None
    name = rep.get("name")
    return {**found, "nameInB": None if name is None else f"b.a.nameInB {name}"}


B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ b: B }}
    type B @key(fields: "id") {{ id: ID! a: [A!]! }}
    type A @key(fields: "pId compositeId {{ one two }}") {{
      pId: ID!
      compositeId: CompositeID!
      name: String! @external
      nameInB: String! @requires(fields: "name")
    }}
    type CompositeID @shareable {{ one: ID! two: ID! three: ID! }}
    """,
    root={"b": {"id": "100", "a": [_a("1")]}},
    entities={"A": _a_in_b},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_fields_of_both_subgraphs_through_the_compound_key(gateway: CaseGateway) -> None:
    assert await gateway.run("{ b { id a { id name nameInB } } }") == {
        "data": {
            "b": {"id": "100", "a": [{"id": "1", "name": "a.1", "nameInB": "b.a.nameInB a.1"}]}
        }
    }


async def test_compound_key_is_sent_as_representation(gateway: CaseGateway) -> None:
    gateway.clear()
    await gateway.run("{ b { a { id compositeId { three } } } }")
    sent = gateway.subgraphs["a"].received[0]["variables"]["representations"]
    assert sent == [{"__typename": "A", "pId": "p1", "compositeId": {"one": "x", "two": "y"}}]

"""union-interface-distributed: a type implements an interface only in another subgraph."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable", "@key"])'
ITEMS: dict[str, dict[str, Any]] = {
    "kettle1": {"__typename": "Kettle", "id": "kettle1"},
    "kettle2": {"__typename": "Kettle", "id": "kettle2"},
    "lamp1": {"__typename": "Lamp", "id": "lamp1", "warranty": 3},
    "lamp2": {"__typename": "Lamp", "id": "lamp2", "warranty": 4},
}
LAMPS = [ITEMS["lamp1"], ITEMS["lamp2"]]


def _entity(kind: str) -> Any:
    def resolve(rep: dict[str, Any]) -> dict[str, Any] | None:
        item = ITEMS.get(rep["id"])
        return item if item is not None and item["__typename"] == kind else None

    return resolve


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ products: [Product] node(id: ID!): Node nodes: [Node] lamps: [Lamp] }}
    union Product = Kettle | Lamp
    interface Node {{ id: ID! }}
    interface WithWarranty {{ warranty: Int }}
    type Kettle @key(fields: "id") {{ id: ID! }}
    type Lamp implements Node & WithWarranty @key(fields: "id") {{ id: ID! warranty: Int }}
    """,
    root={
        "products": list(ITEMS.values()),
        "node": lambda _info, id: ITEMS.get(id),
        "nodes": LAMPS,
        "lamps": LAMPS,
    },
    entities={"Kettle": _entity("Kettle"), "Lamp": _entity("Lamp")},
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    interface Node {{ id: ID! }}
    interface WithWarranty {{ warranty: Int }}
    type Kettle implements Node & WithWarranty @key(fields: "id") {{ id: ID! warranty: Int }}
    """,
    entities={
        "Kettle": lambda rep: {"id": rep["id"], "warranty": 1} if rep["id"] in ITEMS else None
    },
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_interface_fragment_on_a_member_that_implements_it_elsewhere(
    gateway: CaseGateway,
) -> None:
    assert await gateway.run("{ products { ... on Node { id } } }") == {
        "data": {"products": [{"id": i} for i in ITEMS]}
    }


async def test_interface_fragment_field_of_another_subgraph(gateway: CaseGateway) -> None:
    query = "{ products { ... on WithWarranty { warranty } } }"
    assert await gateway.run(query) == {
        "data": {"products": [{"warranty": 1}, {"warranty": 1}, {"warranty": 3}, {"warranty": 4}]}
    }


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ("... on Lamp { warranty } ... on Kettle { id }", [{"warranty": 3}, {"warranty": 4}]),
        ("id", [{"id": "lamp1"}, {"id": "lamp2"}]),
        ("... on Node { id }", [{"id": "lamp1"}, {"id": "lamp2"}]),
        ("... on Node { ... on WithWarranty { warranty } }", [{"warranty": 3}, {"warranty": 4}]),
        (
            "... on Node { id ... on Node { id ... on WithWarranty { warranty } } }",
            [{"id": "lamp1", "warranty": 3}, {"id": "lamp2", "warranty": 4}],
        ),
    ],
)
async def test_nested_abstract_fragments(
    gateway: CaseGateway, selection: str, expected: list[dict[str, Any]]
) -> None:
    assert await gateway.run(f"{{ nodes {{ {selection} }} }}") == {"data": {"nodes": expected}}


async def test_named_fragments_on_an_object_and_its_interface(gateway: CaseGateway) -> None:
    query = """
      { lamps { ...LampFragment ...NodeFragment } }
      fragment LampFragment on Lamp { id }
      fragment NodeFragment on Node { id __typename }
    """
    assert await gateway.run(query) == {
        "data": {
            "lamps": [
                {"id": "lamp1", "__typename": "Lamp"},
                {"id": "lamp2", "__typename": "Lamp"},
            ]
        }
    }


async def test_node_the_subgraph_cannot_return_is_an_error(gateway: CaseGateway) -> None:
    # `a` resolves Query.node, where a Kettle is not a Node: its own answer is an error.
    response = await gateway.run('{ node(id: "kettle1") { ... on Kettle { warranty } } }')
    assert response["data"] == {"node": None}
    assert response["errors"]


async def test_node_of_the_subgraph_is_served(gateway: CaseGateway) -> None:
    assert await gateway.run('{ node(id: "lamp1") { ... on Lamp { warranty } } }') == {
        "data": {"node": {"warranty": 3}}
    }

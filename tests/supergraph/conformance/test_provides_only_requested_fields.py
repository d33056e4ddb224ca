"""provides-only-requested-fields: the providing subgraph is asked only the provided fields the
client selected, never the whole `@provides` set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@provides", "@shareable"])'
)
NAMES = {"e1": "Entity One", "e2": "Entity Two"}


def _over_fetched(_info: object) -> str:
    raise RuntimeError("description was fetched although the client did not select it")


def _provided(entity_id: str) -> dict[str, Any]:
    return {"id": entity_id, "name": NAMES[entity_id], "description": _over_fetched}


OWNER = Subgraph(
    "owner",
    f"""
    extend schema {LINK}
    type Entity @key(fields: "id") {{
      id: ID!
      name: String! @shareable
      description: String! @shareable
      extra: String!
    }}
    """,
    entities={
        "Entity": lambda rep: {
            "id": rep["id"],
            "name": NAMES[rep["id"]],
            "description": "described",
            "extra": NAMES[rep["id"]].replace("Entity", "Extra"),
        }
    },
)

PROVIDER = Subgraph(
    "provider",
    f"""
    extend schema {LINK}
    type Query {{
      entity: Entity @provides(fields: "name description")
      entities: [Entity!]! @provides(fields: "name description")
    }}
    type Entity @key(fields: "id") {{
      id: ID!
      name: String! @external
      description: String! @external
    }}
    """,
    root={"entity": _provided("e1"), "entities": [_provided("e1"), _provided("e2")]},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([OWNER, PROVIDER]) as built:
        yield built


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ("id", {"id": "e1"}),
        ("id name", {"id": "e1", "name": "Entity One"}),
        ("id displayName: name", {"id": "e1", "displayName": "Entity One"}),
        ("id ... on Entity { name }", {"id": "e1", "name": "Entity One"}),
        ("id ... on Entity @skip(if: true) { description }", {"id": "e1"}),
        ("id ... on Entity @include(if: false) { description }", {"id": "e1"}),
    ],
)
async def test_only_selected_provided_fields_are_asked(
    gateway: CaseGateway, selection: str, expected: dict[str, Any]
) -> None:
    gateway.clear()
    assert await gateway.run(f"{{ entity {{ {selection} }} }}") == {"data": {"entity": expected}}
    assert gateway.subgraphs["owner"].received == []


async def test_named_fragment_of_a_provided_field(gateway: CaseGateway) -> None:
    query = "{ entity { id ...EntityName } } fragment EntityName on Entity { name }"
    assert await gateway.run(query) == {"data": {"entity": {"id": "e1", "name": "Entity One"}}}


async def test_owner_hop_only_for_fields_not_provided(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ entities { id name extra } }") == {
        "data": {
            "entities": [
                {"id": "e1", "name": "Entity One", "extra": "Extra One"},
                {"id": "e2", "name": "Entity Two", "extra": "Extra Two"},
            ]
        }
    }
    assert [q for q in gateway.subgraphs["owner"].queries() if "name" in q] == []


async def test_sibling_untyped_fragments(gateway: CaseGateway) -> None:
    assert await gateway.run("{ entity { id ... { name } ... { extra } } }") == {
        "data": {"entity": {"id": "e1", "name": "Entity One", "extra": "Extra One"}}
    }

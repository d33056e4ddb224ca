"""partial-union: a union with fewer members in a subgraph that cannot reach the root field."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key", "@shareable"])'
ACTIONS = [
    {"__typename": "Open", "id": "1", "value": "door"},
    {"__typename": "Close", "id": "2", "name": "window", "details": "slowly"},
    {"__typename": "Wait", "id": "3", "label": "5s"},
]

PRIMARY = Subgraph(
    "primary",
    f"""
    extend schema {LINK}
    type Query {{ plan: Plan }}
    type Plan @shareable {{ actions: [Action!]! message: String }}
    union Action = Open | Close | Wait
    type Open @shareable {{ id: ID! value: String }}
    type Close {{ id: ID! name: String details: String }}
    type Wait {{ id: ID! label: String }}
    """,
    root={"plan": {"message": "go", "actions": ACTIONS}},
)

SECONDARY = Subgraph(
    "secondary",
    f"""
    extend schema {LINK}
    type Plan @shareable {{ actions: [Action!]! message: String }}
    union Action = Open
    type Open @shareable {{ id: ID! value: String }}
    """,
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([PRIMARY, SECONDARY]) as built:
        yield built


async def test_every_member_fragment_is_kept(gateway: CaseGateway) -> None:
    query = """
      { plan { message actions { __typename
          ... on Open { id value } ... on Close { id name details } ... on Wait { id label } } } }
    """
    assert await gateway.run(query) == {
        "data": {
            "plan": {
                "message": "go",
                "actions": [
                    {"__typename": "Open", "id": "1", "value": "door"},
                    {"__typename": "Close", "id": "2", "name": "window", "details": "slowly"},
                    {"__typename": "Wait", "id": "3", "label": "5s"},
                ],
            }
        }
    }


async def test_only_members_missing_elsewhere(gateway: CaseGateway) -> None:
    query = "{ plan { actions { __typename ... on Close { name } ... on Wait { label } } } }"
    assert await gateway.run(query) == {
        "data": {
            "plan": {
                "actions": [
                    {"__typename": "Open"},
                    {"__typename": "Close", "name": "window"},
                    {"__typename": "Wait", "label": "5s"},
                ]
            }
        }
    }
    assert gateway.subgraphs["secondary"].received == []

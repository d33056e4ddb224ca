"""partial-union-complex: a shared field returning a union whose members differ per subgraph is
answered whole by the subgraph the walk is in, never split across subgraphs by member."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])'
COMMON = {"__typename": "Common", "label": "common"}
ONLY_A = {"__typename": "OnlyA", "a": "from a"}
ONLY_B = {"__typename": "OnlyB", "b": "from b"}


def _container(actions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": "c1", "wrapper": {"actions": actions}, **extra}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ rootA: Container shared: Container @shareable }}
    type Container @key(fields: "id") {{ id: ID! wrapper: Wrapper @shareable }}
    type Wrapper @shareable {{ actions: [Action!]! @shareable }}
    union Action = Common | OnlyA
    type Common @shareable {{ label: String }}
    type OnlyA {{ a: String }}
    """,
    root={"rootA": _container([COMMON, ONLY_A]), "shared": _container([COMMON])},
    entities={"Container": lambda rep: _container([COMMON, ONLY_A])},
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ rootB: Container shared: Container @shareable }}
    type Container @key(fields: "id") {{
      id: ID!
      wrapper: Wrapper @shareable
      bWrapper: Wrapper
    }}
    type Wrapper @shareable {{ actions: [Action!]! @shareable }}
    union Action = Common | OnlyB
    type Common @shareable {{ label: String }}
    type OnlyB {{ b: String }}
    """,
    root={
        "rootB": _container([COMMON, ONLY_B], bWrapper={"actions": [COMMON, ONLY_B]}),
        "shared": _container([COMMON]),
    },
    entities={
        "Container": lambda rep: _container(
            [COMMON, ONLY_B], bWrapper={"actions": [COMMON, ONLY_B]}
        )
    },
)

ALL = "__typename ... on Common { label } ... on OnlyA { a } ... on OnlyB { b }"


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_root_of_a_keeps_the_actions_of_a(gateway: CaseGateway) -> None:
    assert await gateway.run(f"{{ rootA {{ wrapper {{ actions {{ {ALL} }} }} }} }}") == {
        "data": {
            "rootA": {"wrapper": {"actions": [{"__typename": "Common", "label": "common"}, ONLY_A]}}
        }
    }


async def test_root_of_b_keeps_the_actions_of_b(gateway: CaseGateway) -> None:
    assert await gateway.run(f"{{ rootB {{ wrapper {{ actions {{ {ALL} }} }} }} }}") == {
        "data": {
            "rootB": {"wrapper": {"actions": [{"__typename": "Common", "label": "common"}, ONLY_B]}}
        }
    }


async def test_member_of_the_other_subgraph_only_is_not_fetched(gateway: CaseGateway) -> None:
    gateway.clear()
    query = "{ rootA { wrapper { actions { __typename ... on OnlyB { b } } } } }"
    assert await gateway.run(query) == {
        "data": {
            "rootA": {"wrapper": {"actions": [{"__typename": "Common"}, {"__typename": "OnlyA"}]}}
        }
    }
    assert gateway.subgraphs["b"].received == []


async def test_shared_root(gateway: CaseGateway) -> None:
    assert await gateway.run(f"{{ shared {{ wrapper {{ actions {{ {ALL} }} }} }} }}") == {
        "data": {"shared": {"wrapper": {"actions": [{"__typename": "Common", "label": "common"}]}}}
    }


async def test_field_of_the_other_subgraph_through_the_key(gateway: CaseGateway) -> None:
    assert await gateway.run(f"{{ rootA {{ bWrapper {{ actions {{ {ALL} }} }} }} }}") == {
        "data": {
            "rootA": {
                "bWrapper": {"actions": [{"__typename": "Common", "label": "common"}, ONLY_B]}
            }
        }
    }

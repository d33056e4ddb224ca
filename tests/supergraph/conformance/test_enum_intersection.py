"""enum-intersection: output enums merge as a union, input enums as an intersection, and a
value hidden with `@inaccessible` never reaches the client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable", "@inaccessible"])'
)
USERS = [("u1", "PRO", "ACTIVE"), ("u2", "ENTERPRISE", "BANNED"), ("u3", "FREE", "ACTIVE")]


def _user(user_id: str, tier: str, status: str) -> dict[str, Any]:
    return {"id": user_id, "tier": tier, "status": status}


def _sorted(_info: object, order: str) -> list[dict[str, Any]]:
    return [_user(*u) for u in sorted(USERS, reverse=order == "DESC")]


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ users: [User] usersSorted(order: Sort!): [User] }}
    type User @key(fields: "id") {{ id: ID! tier: Tier status: Status }}
    enum Tier {{ FREE PRO ENTERPRISE }}
    enum Sort {{ ASC DESC RANDOM }}
    enum Status {{ ACTIVE BANNED @inaccessible }}
    """,
    root={"users": [_user(*u) for u in USERS], "usersSorted": _sorted},
    entities={"User": lambda rep: next(_user(*u) for u in USERS if u[0] == rep["id"])},
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ topTier(order: Sort): Tier statusOf(status: Status!): Status }}
    enum Tier {{ FREE PRO }}
    enum Sort {{ ASC DESC }}
    enum Status {{ ACTIVE BANNED @inaccessible }}
    """,
    root={
        "topTier": lambda _info, order=None: "PRO",
        "statusOf": lambda _info, status: status,
    },
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


def _api_values(gateway: CaseGateway, enum: str) -> list[str]:
    snapshot = gateway.runner.gateway.snapshot
    assert snapshot is not None
    return sorted(snapshot.api_schema.type_map[enum].values)  # type: ignore[attr-defined]


def test_output_enum_is_the_union_and_input_enum_the_intersection(gateway: CaseGateway) -> None:
    assert _api_values(gateway, "Tier") == ["ENTERPRISE", "FREE", "PRO"]
    assert _api_values(gateway, "Sort") == ["ASC", "DESC"]
    assert _api_values(gateway, "Status") == ["ACTIVE"]


async def test_value_of_one_subgraph_of_an_output_enum_is_served(gateway: CaseGateway) -> None:
    assert await gateway.run("{ users { id tier } topTier }") == {
        "data": {
            "users": [
                {"id": "u1", "tier": "PRO"},
                {"id": "u2", "tier": "ENTERPRISE"},
                {"id": "u3", "tier": "FREE"},
            ],
            "topTier": "PRO",
        }
    }


async def test_input_value_missing_from_a_subgraph_is_refused(gateway: CaseGateway) -> None:
    response = await gateway.run("{ usersSorted(order: RANDOM) { id } }")
    assert [e["extensions"]["code"] for e in response["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "data" not in response


async def test_input_value_every_subgraph_has_is_served(gateway: CaseGateway) -> None:
    assert await gateway.run("{ usersSorted(order: DESC) { id } }") == {
        "data": {"usersSorted": [{"id": "u3"}, {"id": "u2"}, {"id": "u1"}]}
    }


async def test_inaccessible_value_from_a_subgraph_becomes_null_with_error(
    gateway: CaseGateway,
) -> None:
    response = await gateway.run("{ users { id status } }")
    assert response["data"] == {
        "users": [
            {"id": "u1", "status": "ACTIVE"},
            {"id": "u2", "status": None},
            {"id": "u3", "status": "ACTIVE"},
        ]
    }
    assert [(e["path"], e["extensions"]["code"]) for e in response["errors"]] == [
        (["users", 1, "status"], "INACCESSIBLE_ENUM_VALUE")
    ]


async def test_inaccessible_value_cannot_be_sent(gateway: CaseGateway) -> None:
    response = await gateway.run("{ statusOf(status: BANNED) }")
    assert [e["extensions"]["code"] for e in response["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]

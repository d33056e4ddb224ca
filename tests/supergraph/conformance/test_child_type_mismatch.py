"""child-type-mismatch: a shared field with different nullability per subgraph."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])'


def _user(user_id: str, friend: str | None) -> dict[str, Any]:
    return {
        "id": user_id,
        "name": user_id.upper(),
        "friend": None if friend is None else {"id": friend, "name": friend.upper()},
    }


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ users: [User] @shareable }}
    type User @key(fields: "id") {{ id: ID! friend: User @shareable name: String }}
    """,
    root={"users": [_user("u1", "u2"), _user("u2", None)]},
    entities={"User": lambda rep: {"id": rep["id"], "name": rep["id"].upper()}},
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ users: [User!]! @shareable }}
    type User @key(fields: "id") {{ id: ID! friend: User @shareable age: Int! }}
    """,
    root={"users": [_user("u1", "u2"), _user("u2", None)]},
    entities={"User": lambda rep: {"id": rep["id"], "age": int(rep["id"][1:]) * 10}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


def test_merged_field_takes_the_looser_type(gateway: CaseGateway) -> None:
    snapshot = gateway.runner.gateway.snapshot
    assert snapshot is not None
    query_type = snapshot.api_schema.query_type
    assert query_type is not None
    assert str(query_type.fields["users"].type) == "[User]"


async def test_fields_of_both_subgraphs_through_a_null_child(gateway: CaseGateway) -> None:
    query = "{ users { id name age friend { id name age } } }"
    assert await gateway.run(query) == {
        "data": {
            "users": [
                {
                    "id": "u1",
                    "name": "U1",
                    "age": 10,
                    "friend": {"id": "u2", "name": "U2", "age": 20},
                },
                {"id": "u2", "name": "U2", "age": 20, "friend": None},
            ]
        }
    }

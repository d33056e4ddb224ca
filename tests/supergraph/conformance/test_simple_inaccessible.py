"""simple-inaccessible: `@inaccessible` elements are hidden from clients but still usable by
the gateway (a hidden field feeds a `@requires`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@inaccessible"])'
)
USERS = {"u1": ("Ada", 36), "u2": ("Alan", 41)}


def _user(user_id: str) -> dict[str, Any]:
    name, age = USERS[user_id]
    return {"id": user_id, "name": name, "age": age, "internalNote": "hidden"}


PEOPLE = Subgraph(
    "people",
    f"""
    extend schema {LINK}
    type Query {{
      usersInAge(min: Int, legacyFilter: String @inaccessible): [User]
      secret: Secret @inaccessible
    }}
    type User @key(fields: "id") {{
      id: ID!
      name: String
      age: Int @inaccessible
      internalNote: String @inaccessible
    }}
    type Secret @inaccessible {{ value: String }}
    """,
    root={
        "usersInAge": lambda _info, min=0, legacyFilter=None: [
            _user(u) for u in USERS if USERS[u][1] >= (min or 0)
        ],
        "secret": {"value": "x"},
    },
    entities={"User": lambda rep: _user(rep["id"])},
)

FRIENDS = Subgraph(
    "friends",
    f"""
    extend schema {LINK}
    type User @key(fields: "id") {{
      id: ID!
      age: Int @external
      isAdult: Boolean @requires(fields: "age")
    }}
    """,
    entities={
        "User": lambda rep: {
            "id": rep["id"],
            "isAdult": None if "age" not in rep else rep["age"] >= 18,
        }
    },
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([PEOPLE, FRIENDS]) as built:
        yield built


async def test_visible_fields_are_served(gateway: CaseGateway) -> None:
    assert await gateway.run("{ usersInAge(min: 40) { id name } }") == {
        "data": {"usersInAge": [{"id": "u2", "name": "Alan"}]}
    }


@pytest.mark.parametrize(
    "query",
    [
        "{ usersInAge { age } }",
        "{ usersInAge { internalNote } }",
        '{ usersInAge(legacyFilter: "x") { id } }',
        "{ secret { value } }",
    ],
)
async def test_hidden_elements_are_unknown_to_clients(gateway: CaseGateway, query: str) -> None:
    response = await gateway.run(query)
    assert [e["extensions"]["code"] for e in response["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]


async def test_hidden_field_feeds_a_requirement(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ usersInAge { name isAdult } }") == {
        "data": {
            "usersInAge": [{"name": "Ada", "isAdult": True}, {"name": "Alan", "isAdult": True}]
        }
    }
    sent = gateway.subgraphs["friends"].received[0]["variables"]["representations"]
    assert sent == [
        {"__typename": "User", "id": "u1", "age": 36},
        {"__typename": "User", "id": "u2", "age": 41},
    ]


async def test_hidden_type_is_absent_from_introspection(gateway: CaseGateway) -> None:
    response = await gateway.run('{ __type(name: "Secret") { name } }')
    assert response == {"data": {"__type": None}}

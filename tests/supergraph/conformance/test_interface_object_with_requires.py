"""interface-object-with-requires: an `@interfaceObject` field `@requires` an interface field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@interfaceObject", "@external", "@requires"])'
)
USERS = {"u1": 11, "u2": 22}


def _user(user_id: str) -> dict[str, Any]:
    return {"__typename": "User", "id": user_id, "name": f"{user_id}-name", "age": USERS[user_id]}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ users: [User] }}
    interface NodeWithName @key(fields: "id") {{ id: ID! name: String }}
    type User implements NodeWithName @key(fields: "id") {{ id: ID! name: String age: Int }}
    """,
    root={"users": [_user(user_id) for user_id in USERS]},
    entities={"NodeWithName": lambda rep: _user(rep["id"]), "User": lambda rep: _user(rep["id"])},
)


def _named(rep: dict[str, Any]) -> dict[str, Any]:
    name = rep.get("name")
    return {"id": rep["id"], "username": None if name is None else name.replace("name", "username")}


B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ anotherUsers: [NodeWithName] }}
    type NodeWithName @key(fields: "id") @interfaceObject {{
      id: ID!
      name: String @external
      username: String @requires(fields: "name")
    }}
    """,
    root={"anotherUsers": [{"id": user_id} for user_id in USERS]},
    entities={"NodeWithName": _named},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


def _rows(*fields: str) -> list[dict[str, Any]]:
    rows = []
    for user_id, age in USERS.items():
        full = {
            "age": age,
            "id": user_id,
            "name": f"{user_id}-name",
            "username": f"{user_id}-username",
        }
        rows.append({name: full[name] for name in fields})
    return rows


async def test_requires_on_an_interface_object_from_its_own_root(gateway: CaseGateway) -> None:
    assert await gateway.run("{ anotherUsers { id name username } }") == {
        "data": {"anotherUsers": _rows("id", "name", "username")}
    }


async def test_requires_on_an_interface_object_from_the_owner(gateway: CaseGateway) -> None:
    assert await gateway.run("{ users { id name username } }") == {
        "data": {"users": _rows("id", "name", "username")}
    }


async def test_concrete_field_through_an_interface_object(gateway: CaseGateway) -> None:
    assert await gateway.run("{ anotherUsers { ... on User { age } } }") == {
        "data": {"anotherUsers": _rows("age")}
    }
    assert await gateway.run("{ users { ... on User { age } } }") == {
        "data": {"users": _rows("age")}
    }


@pytest.mark.parametrize("root", ["anotherUsers", "users"])
async def test_fragment_and_interface_fields_together(gateway: CaseGateway, root: str) -> None:
    query = f"{{ {root} {{ ... on User {{ age id name username }} id name }} }}"
    assert await gateway.run(query) == {"data": {root: _rows("age", "id", "name", "username")}}

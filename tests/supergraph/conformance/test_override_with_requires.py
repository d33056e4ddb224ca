"""override-with-requires: a field moved with `@override` to a subgraph where it `@requires`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@override", "@shareable"])'
)
USERS = {"u1": "Ada", "u2": "Alan"}


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "name": USERS[user_id], "greeting": "OLD"}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ users: [User] }}
    type User @key(fields: "id") {{ id: ID! name: String! greeting: String }}
    """,
    root={"users": [_user(u) for u in USERS]},
    entities={"User": lambda rep: _user(rep["id"])},
)


def _greet(rep: dict[str, Any]) -> dict[str, Any]:
    name = rep.get("name")
    return {"id": rep["id"], "greeting": None if name is None else f"Hello, {name}"}


B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Query {{ me: User }}
    type User @key(fields: "id") {{
      id: ID!
      name: String! @external
      greeting: String @override(from: "a") @requires(fields: "name")
    }}
    """,
    root={"me": {"id": "u2"}},
    entities={"User": _greet},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_overridden_field_gets_its_requirement(gateway: CaseGateway) -> None:
    assert await gateway.run("{ users { id greeting } }") == {
        "data": {
            "users": [
                {"id": "u1", "greeting": "Hello, Ada"},
                {"id": "u2", "greeting": "Hello, Alan"},
            ]
        }
    }


async def test_requirement_fetched_back_from_the_old_owner(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ me { greeting } }") == {"data": {"me": {"greeting": "Hello, Alan"}}}
    assert "greeting" not in " ".join(gateway.subgraphs["a"].queries())

"""simple-interface-object: a subgraph adds fields to an interface entity via `@interfaceObject`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@interfaceObject", "@shareable"])'
)
ACCOUNTS: dict[str, dict[str, Any]] = {
    "i1": {"__typename": "Admin", "id": "i1", "name": "Alice", "isMain": True},
    "i2": {"__typename": "Regular", "id": "i2", "name": "Bob", "isMain": None},
    "i3": {"__typename": "Admin", "id": "i3", "name": "Carol", "isMain": False},
}


def _concrete(account_id: str) -> dict[str, Any]:
    found = dict(ACCOUNTS[account_id])
    if found["isMain"] is None:
        del found["isMain"]
    return found


OWNER = Subgraph(
    "owner",
    f"""
    extend schema {LINK}
    type Query {{ accounts: [Account!]! }}
    interface Account @key(fields: "id") {{ id: ID! name: String! }}
    type Admin implements Account @key(fields: "id") {{ id: ID! name: String! isMain: Boolean! }}
    type Regular implements Account @key(fields: "id") {{ id: ID! name: String! }}
    """,
    root={"accounts": [_concrete(account_id) for account_id in ACCOUNTS]},
    entities={
        "Account": lambda rep: _concrete(rep["id"]),
        "Admin": lambda rep: _concrete(rep["id"]),
        "Regular": lambda rep: _concrete(rep["id"]),
    },
)

ACTIVITY = Subgraph(
    "activity",
    f"""
    extend schema {LINK}
    type Query {{ activeAccounts: [Account!]! }}
    type Account @key(fields: "id") @interfaceObject {{ id: ID! isActive: Boolean! }}
    """,
    root={"activeAccounts": [{"id": "i3", "isActive": True}, {"id": "i2", "isActive": True}]},
    entities={"Account": lambda rep: {"id": rep["id"], "isActive": rep["id"] != "i1"}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([OWNER, ACTIVITY]) as built:
        yield built


async def test_interface_object_field_on_concrete_objects(gateway: CaseGateway) -> None:
    assert await gateway.run("{ accounts { id isActive } }") == {
        "data": {
            "accounts": [
                {"id": "i1", "isActive": False},
                {"id": "i2", "isActive": True},
                {"id": "i3", "isActive": True},
            ]
        }
    }


async def test_interface_object_representations_carry_the_interface_name(
    gateway: CaseGateway,
) -> None:
    gateway.clear()
    await gateway.run("{ accounts { isActive } }")
    sent = gateway.subgraphs["activity"].received[0]["variables"]["representations"]
    assert sent == [{"__typename": "Account", "id": f"i{n}"} for n in (1, 2, 3)]


async def test_typename_of_an_interface_object_comes_from_the_owner(gateway: CaseGateway) -> None:
    assert await gateway.run("{ activeAccounts { __typename id } }") == {
        "data": {
            "activeAccounts": [
                {"__typename": "Admin", "id": "i3"},
                {"__typename": "Regular", "id": "i2"},
            ]
        }
    }


async def test_concrete_fields_behind_an_interface_object(gateway: CaseGateway) -> None:
    query = "{ activeAccounts { id name isActive ... on Admin { isMain } } }"
    assert await gateway.run(query) == {
        "data": {
            "activeAccounts": [
                {"id": "i3", "name": "Carol", "isActive": True, "isMain": False},
                {"id": "i2", "name": "Bob", "isActive": True},
            ]
        }
    }


async def test_fragment_on_the_interface_and_a_type(gateway: CaseGateway) -> None:
    query = "{ accounts { ... on Account { isActive } ... on Regular { name } } }"
    assert await gateway.run(query) == {
        "data": {
            "accounts": [
                {"isActive": False},
                {"isActive": True, "name": "Bob"},
                {"isActive": True},
            ]
        }
    }

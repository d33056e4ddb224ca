"""typename: `__typename` (plain and aliased) on unions, interfaces and entities."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'

KITCHEN = Subgraph(
    "kitchen",
    f"""
    extend schema {LINK}
    type Query {{ union: Appliance interface: Device users: [User] }}
    union Appliance = Oven | Toaster
    interface Device {{ id: ID! }}
    type Oven implements Device {{ id: ID! }}
    type Toaster implements Device {{ id: ID! }}
    interface User {{ id: ID! }}
    type Admin implements User @key(fields: "id") {{ id: ID! }}
    """,
    root={
        "union": {"__typename": "Oven", "id": "1"},
        "interface": {"__typename": "Toaster", "id": "2"},
        "users": [{"__typename": "Admin", "id": "u1"}, {"__typename": "Admin", "id": "u2"}],
    },
)

ACCOUNTS = Subgraph(
    "accounts",
    f"""
    extend schema {LINK}
    type Admin @key(fields: "id") {{ id: ID! name: String! }}
    """,
    entities={"Admin": lambda rep: {"id": rep["id"], "name": rep["id"].upper()}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([KITCHEN, ACCOUNTS]) as built:
        yield built


async def test_union_typename_plain_and_aliased(gateway: CaseGateway) -> None:
    assert await gateway.run("{ union { __typename typename: __typename } }") == {
        "data": {"union": {"__typename": "Oven", "typename": "Oven"}}
    }


async def test_interface_typename_is_the_concrete_type(gateway: CaseGateway) -> None:
    query = "{ interface { id __typename typename: __typename t: __typename } }"
    assert await gateway.run(query) == {
        "data": {
            "interface": {"id": "2", "__typename": "Toaster", "typename": "Toaster", "t": "Toaster"}
        }
    }


async def test_union_typename_inside_fragments(gateway: CaseGateway) -> None:
    query = (
        "{ union { __typename ... on Oven { typename: __typename }"
        " ... on Toaster { typename: __typename } } }"
    )
    assert await gateway.run(query) == {
        "data": {"union": {"__typename": "Oven", "typename": "Oven"}}
    }


async def test_interface_typename_inside_fragments(gateway: CaseGateway) -> None:
    query = (
        "{ interface { __typename ... on Oven { typename: __typename }"
        " ... on Toaster { typename: __typename } } }"
    )
    assert await gateway.run(query) == {
        "data": {"interface": {"__typename": "Toaster", "typename": "Toaster"}}
    }


async def test_entities_behind_an_interface_report_their_type(gateway: CaseGateway) -> None:
    assert await gateway.run("{ users { id } }") == {
        "data": {"users": [{"id": "u1"}, {"id": "u2"}]}
    }
    assert await gateway.run("{ users { __typename } }") == {
        "data": {"users": [{"__typename": "Admin"}, {"__typename": "Admin"}]}
    }


async def test_typename_beside_an_entity_call(gateway: CaseGateway) -> None:
    query = "{ users { __typename ... on Admin { name } } }"
    assert await gateway.run(query) == {
        "data": {
            "users": [{"__typename": "Admin", "name": "U1"}, {"__typename": "Admin", "name": "U2"}]
        }
    }


async def test_root_typename(gateway: CaseGateway) -> None:
    assert await gateway.run("{ __typename q: __typename }") == {
        "data": {"__typename": "Query", "q": "Query"}
    }

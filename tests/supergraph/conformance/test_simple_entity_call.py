"""simple-entity-call: a field of another subgraph is joined through an entity call by key."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external"])'

EMAIL = Subgraph(
    "email",
    f"""
    extend schema {LINK}
    type Query {{ user: User }}
    type User @key(fields: "email") {{ id: ID! email: String! }}
    """,
    root={"user": {"id": "u1", "email": "ada@example.com"}},
)

NICKNAME = Subgraph(
    "nickname",
    f"""
    extend schema {LINK}
    type User @key(fields: "email") {{ email: String! @external nickname: String! }}
    """,
    entities={"User": lambda rep: {"email": rep["email"], "nickname": rep["email"].split("@")[0]}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([EMAIL, NICKNAME]) as built:
        yield built


async def test_field_of_other_subgraph_is_fetched_by_key(gateway: CaseGateway) -> None:
    assert await gateway.run("{ user { id nickname } }") == {
        "data": {"user": {"id": "u1", "nickname": "ada"}}
    }


async def test_entity_call_sends_the_key_as_representation(gateway: CaseGateway) -> None:
    gateway.clear()
    await gateway.run("{ user { nickname } }")
    sent = gateway.subgraphs["nickname"].received
    assert [r["variables"]["representations"] for r in sent] == [
        [{"__typename": "User", "email": "ada@example.com"}]
    ]

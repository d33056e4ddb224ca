"""requires-with-fragments: `@requires` with type conditions on an interface-typed field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.addresses import owner, requirer
from tests.supergraph.conformance.gateway import CaseGateway, case_gateway


def _label(address: dict[str, Any]) -> str:
    if "floor" in address:
        return f"floor {address['floor']}"
    if "company" in address:
        return f"at {address['company']}"
    return "unknown"


REQUIRER = requirer(
    "address { __typename ... on HomeAddress { floor } ... on WorkAddress { company } }", _label
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([owner(), REQUIRER]) as built:
        yield built


async def test_each_type_sends_its_own_required_fields(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ users { id label } }") == {
        "data": {"users": [{"id": "u1", "label": "floor 3"}, {"id": "u2", "label": "at Acme"}]}
    }
    sent = gateway.subgraphs["requirer"].received[0]["variables"]["representations"]
    assert [r["address"] for r in sent] == [
        {"__typename": "HomeAddress", "floor": 3},
        {"__typename": "WorkAddress", "company": "Acme"},
    ]


async def test_client_fragments_beside_required_fragments(gateway: CaseGateway) -> None:
    query = "{ users { label address { ... on WorkAddress { city } ... on HomeAddress { id } } } }"
    assert await gateway.run(query) == {
        "data": {
            "users": [
                {"label": "floor 3", "address": {"id": "h1"}},
                {"label": "at Acme", "address": {"city": "Bergen"}},
            ]
        }
    }

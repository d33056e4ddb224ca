"""requires-interface: `@requires` of fields of an interface-typed field."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.addresses import owner, requirer
from tests.supergraph.conformance.gateway import CaseGateway, case_gateway

REQUIRER = requirer("address { id city }", lambda a: f"{a['id']} in {a['city']}")


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([owner(), REQUIRER]) as built:
        yield built


async def test_interface_fields_are_required(gateway: CaseGateway) -> None:
    assert await gateway.run("{ users { name label } }") == {
        "data": {
            "users": [
                {"name": "U1", "label": "h1 in Oslo"},
                {"name": "U2", "label": "w1 in Bergen"},
            ]
        }
    }


async def test_representation_carries_the_interface_fields_and_type(gateway: CaseGateway) -> None:
    gateway.clear()
    await gateway.run("{ users { label } }")
    sent = gateway.subgraphs["requirer"].received[0]["variables"]["representations"]
    assert [r["address"] for r in sent] == [
        {"__typename": "HomeAddress", "id": "h1", "city": "Oslo"},
        {"__typename": "WorkAddress", "id": "w1", "city": "Bergen"},
    ]

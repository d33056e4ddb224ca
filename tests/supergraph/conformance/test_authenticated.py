"""authenticated: `@authenticated` fields are null with an error for guests, served otherwise."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.security.principal import Principal
from tests.supergraph.conformance.auth import auth_subgraphs, denied_at
from tests.supergraph.conformance.gateway import CaseGateway, case_gateway

SUBGRAPHS = auth_subgraphs("@authenticated", "@authenticated")
VIEWER = Principal.user("u1", "viewer", "ada@example.com")


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway(SUBGRAPHS) as built:
        yield built


async def test_guest_gets_null_and_an_error_for_each_guarded_field(gateway: CaseGateway) -> None:
    response = await gateway.run("{ me { name email } secret }")
    assert response == {
        "data": {"me": {"name": "Ada", "email": None}, "secret": None},
        "errors": [denied_at("me", "email"), denied_at("secret")],
    }


async def test_guarded_field_of_another_subgraph_is_not_fetched(gateway: CaseGateway) -> None:
    gateway.clear()
    response = await gateway.run("{ me { id notes { text } } }")
    assert response == {
        "data": {"me": {"id": "u1", "notes": None}},
        "errors": [denied_at("me", "notes")],
    }
    assert gateway.subgraphs["notes"].received == []


async def test_signed_in_principal_reads_everything(gateway: CaseGateway) -> None:
    response = await gateway.run("{ me { email notes { text } } secret }", principal=VIEWER)
    assert response == {
        "data": {"me": {"email": "ada@example.com", "notes": [{"text": "hi"}]}, "secret": "42"}
    }

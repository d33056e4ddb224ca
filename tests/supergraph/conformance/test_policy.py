"""policy: with no policy evaluator, every `@policy` is unmet, so its fields are denied."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.security.principal import Principal
from tests.supergraph.conformance.auth import auth_subgraphs, denied_at
from tests.supergraph.conformance.gateway import CaseGateway, case_gateway

SUBGRAPHS = auth_subgraphs("@policy", '@policy(policies: [["read_email"]])')


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway(SUBGRAPHS) as built:
        yield built


async def test_policy_fields_are_denied_and_not_fetched(gateway: CaseGateway) -> None:
    gateway.clear()
    response = await gateway.run("{ me { name email notes { text } } secret }")
    assert response == {
        "data": {"me": {"name": "Ada", "email": None, "notes": None}, "secret": None},
        "errors": [denied_at("me", "email"), denied_at("me", "notes"), denied_at("secret")],
    }
    assert gateway.subgraphs["notes"].received == []


async def test_policy_fields_are_denied_to_admins_too(gateway: CaseGateway) -> None:
    admin = Principal.user("u9", "admin", None)
    assert await gateway.run("{ secret }", principal=admin) == {
        "data": {"secret": None},
        "errors": [denied_at("secret")],
    }


async def test_fields_without_a_policy_are_served(gateway: CaseGateway) -> None:
    assert await gateway.run("{ me { id name } }") == {"data": {"me": {"id": "u1", "name": "Ada"}}}

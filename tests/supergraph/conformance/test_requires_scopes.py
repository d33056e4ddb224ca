"""requires-scopes: `@requiresScopes` is an OR of AND-lists checked against the principal."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.security.principal import Principal
from tests.supergraph.conformance.auth import auth_subgraphs, denied_at
from tests.supergraph.conformance.gateway import CaseGateway, case_gateway

SUBGRAPHS = auth_subgraphs(
    "@requiresScopes", '@requiresScopes(scopes: [["role:admin"], ["read:email", "read:user"]])'
)


def _key(*scopes: str) -> Principal:
    return Principal(sub="apikey:k1", role="guest", scopes=frozenset(scopes), kind="api_key")


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway(SUBGRAPHS) as built:
        yield built


async def test_guest_is_denied(gateway: CaseGateway) -> None:
    assert await gateway.run("{ me { email } secret }") == {
        "data": {"me": {"email": None}, "secret": None},
        "errors": [denied_at("me", "email"), denied_at("secret")],
    }


async def test_one_scope_of_an_and_list_is_not_enough(gateway: CaseGateway) -> None:
    response = await gateway.run("{ me { email } }", principal=_key("read:email"))
    assert response == {"data": {"me": {"email": None}}, "errors": [denied_at("me", "email")]}


async def test_a_complete_and_list_is_enough(gateway: CaseGateway) -> None:
    response = await gateway.run(
        "{ me { email notes { text } } }", principal=_key("read:email", "read:user")
    )
    assert response == {"data": {"me": {"email": "ada@example.com", "notes": [{"text": "hi"}]}}}


async def test_another_alternative_is_enough(gateway: CaseGateway) -> None:
    admin = Principal.user("u9", "admin", None)
    assert await gateway.run("{ secret }", principal=admin) == {"data": {"secret": "42"}}


async def test_a_signed_in_user_without_the_scopes_is_denied(gateway: CaseGateway) -> None:
    viewer = Principal.user("u1", "viewer", None)
    assert await gateway.run("{ secret }", principal=viewer) == {
        "data": {"secret": None},
        "errors": [denied_at("secret")],
    }

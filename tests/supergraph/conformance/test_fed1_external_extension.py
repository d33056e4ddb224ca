"""fed1-external-extension: Federation 1 subgraphs, the entity extended with `extend type`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance import external_users
from tests.supergraph.conformance.gateway import CaseGateway, case_gateway

OWNER = """
type Query { userById(id: ID): User }
type User @key(fields: "id") { id: ID! name: String nickname: String }
"""
EXTENDER = """
type Query { randomUser: User providedRandomUser: User @provides(fields: "name") }
extend type User @key(fields: "id") {
  id: ID! @external
  name: String @external
  rid: ID
}
"""


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    subgraphs = [external_users.owner(OWNER), external_users.extender(EXTENDER)]
    async with case_gateway(subgraphs) as built:
        yield built


async def test_owner_and_extender_fields(gateway: CaseGateway) -> None:
    await external_users.check_owner_and_extender_fields(gateway)


async def test_local_and_external_fields(gateway: CaseGateway) -> None:
    await external_users.check_local_and_external_fields(gateway)


async def test_provided_external_field(gateway: CaseGateway) -> None:
    await external_users.check_provided_external_field(gateway)

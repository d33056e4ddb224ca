"""A deactivated user's access tokens (and tokens carrying a role since changed) are refused by
every subgraph, not only by the users subgraph; tokens issued afterwards pass."""

from __future__ import annotations

import dataclasses
import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core.security import revocations
from core.security.principal import Principal
from tests.subgraphs.client import Account, SubgraphClient, error_codes

DEACTIVATE = "mutation($id: ID!) { deactivateUser(userId: $id) { isActive } }"
ACTIVATE = "mutation($id: ID!) { activateUser(userId: $id) { isActive } }"
SET_ROLE = "mutation($id: ID!, $r: String!) { setUserRole(userId: $id, role: $r) { role } }"
SETTINGS = "{ settings { key } }"


def issued(account: Account, at: float | None) -> Principal:
    """The principal of an access token of `account` issued at `at` (None: not said)."""
    return dataclasses.replace(account.principal, issued_at=None if at is None else int(at))


async def refused(api: SubgraphClient, principal: Principal) -> bool:
    response = await api.post(SETTINGS, headers=api.headers(principal))
    if response.status_code == 401:
        assert error_codes(response.json()) == ["UNAUTHENTICATED"]
        return True
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return False


async def revoked_at(resources, settings, account: Account) -> float | None:
    return await revocations.revoked_at(resources.redis, settings, account.id)


async def test_deactivating_a_user_records_the_revocation(
    users_api, admin, editor, resources, settings
):
    before = time.time()
    body = await users_api.gql(DEACTIVATE, {"id": editor.id}, as_=admin)
    assert body["data"]["deactivateUser"]["isActive"] is False
    at = await revoked_at(resources, settings, editor)
    assert at is not None and before <= at <= time.time()


async def test_the_system_subgraph_refuses_a_deactivated_users_token(
    users_api, system_api, admin, editor
):
    token_time = time.time() - 60
    assert not await refused(system_api, issued(editor, token_time))
    await users_api.gql(DEACTIVATE, {"id": editor.id}, as_=admin)
    assert await refused(system_api, issued(editor, token_time))
    assert await refused(system_api, issued(editor, None))


async def test_after_reactivation_new_tokens_pass_and_old_ones_stay_refused(
    users_api, system_api, admin, editor
):
    old = issued(editor, time.time() - 60)
    await users_api.gql(DEACTIVATE, {"id": editor.id}, as_=admin)
    body = await users_api.gql(ACTIVATE, {"id": editor.id}, as_=admin)
    assert body["data"]["activateUser"]["isActive"] is True
    assert await refused(system_api, old)
    assert not await refused(system_api, issued(editor, time.time() + 1))


async def test_a_role_change_revokes_tokens_carrying_the_old_role(
    users_api, system_api, admin, editor, resources, settings
):
    old = issued(editor, time.time() - 60)
    body = await users_api.gql(SET_ROLE, {"id": editor.id, "r": "admin"}, as_=admin)
    assert body["data"]["setUserRole"]["role"] == "admin"
    assert await revoked_at(resources, settings, editor) is not None
    assert await refused(system_api, old)


async def test_setting_the_same_role_again_revokes_nothing(
    users_api, admin, editor, resources, settings
):
    body = await users_api.gql(SET_ROLE, {"id": editor.id, "r": "editor"}, as_=admin)
    assert "errors" not in body, body
    assert await revoked_at(resources, settings, editor) is None


async def test_other_users_and_guests_are_not_affected(
    users_api, system_api, admin, editor, make_account
):
    other = await make_account("editor")
    await users_api.gql(DEACTIVATE, {"id": editor.id}, as_=admin)
    assert not await refused(system_api, issued(other, time.time() - 60))
    response = await system_api.post("{ __typename }", headers=system_api.headers(None))
    assert response.status_code == 200


async def test_when_the_revocation_cannot_be_recorded_nothing_changes(
    users_api, admin, editor, monkeypatch: pytest.MonkeyPatch
):
    async def unreachable(*args: object, **kwargs: object) -> float:
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(revocations, "record", unreachable)
    body = await users_api.gql(DEACTIVATE, {"id": editor.id}, as_=admin)
    assert error_codes(body) == ["TOKEN_REVOCATION_FAILED"]
    monkeypatch.undo()
    me = await users_api.gql("{ me { isActive } }", as_=editor)
    assert me["data"]["me"]["isActive"] is True


async def test_when_redis_cannot_be_read_subgraphs_let_the_request_through(
    system_api, editor, monkeypatch: pytest.MonkeyPatch
):
    # Defence in depth only: the gateway refuses revoked tokens from memory meanwhile.
    async def unreachable(*args: object, **kwargs: object) -> float:
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(revocations, "revoked_at", unreachable)
    assert not await refused(system_api, issued(editor, None))

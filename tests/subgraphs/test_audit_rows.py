"""Every state-changing mutation leaves exactly one audit row, with the request's actor, IP and
user agent; queries and refused mutations leave none."""

from __future__ import annotations

import secrets
import uuid
from itertools import pairwise

import pytest

from tests.subgraphs.conftest import PASSWORD


def rid() -> str:
    return uuid.uuid4().hex


MUTATIONS = {
    "register": (
        "users",
        None,
        "mutation($n: String!) {"
        " register(input: {email: $n, username: $n, password: $n}) { user { id } } }",
        "user.register",
    ),
    "login": (
        "users",
        None,
        "mutation($e: String!, $p: String!) {"
        " login(input: {login: $e, password: $p}) { accessToken } }",
        "user.login",
    ),
    "updateProfile": (
        "users",
        "viewer",
        "mutation { updateProfile(input: {}) { id } }",
        "user.update_profile",
    ),
    "changePassword": (
        "users",
        "viewer",
        "mutation($p: String!) { changePassword(input: "
        '{currentPassword: $p, newPassword: "another long passphrase"}) }',
        "user.change_password",
    ),
    "setUserRole": (
        "users",
        "admin",
        'mutation($t: ID!) { setUserRole(userId: $t, role: "editor") { id } }',
        "user.set_role",
    ),
    "deactivateUser": (
        "users",
        "admin",
        "mutation($t: ID!) { deactivateUser(userId: $t) { id } }",
        "user.deactivate",
    ),
    "activateUser": (
        "users",
        "admin",
        "mutation($t: ID!) { activateUser(userId: $t) { id } }",
        "user.activate",
    ),
    "createApiKey": (
        "users",
        "admin",
        'mutation { createApiKey(input: {name: "audit"}) { key } }',
        "api_key.create",
    ),
    "logout": ("users", "viewer", "mutation { logout }", "user.logout"),
    "updateSetting": (
        "system",
        "admin",
        'mutation { updateSetting(key: "site.name", value: "Audited") { key } }',
        "setting.update",
    ),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
async def test_a_mutation_writes_exactly_one_audit_row(
    name, users_api, system_api, make_account, audit_rows
):
    subgraph, role, document, action = MUTATIONS[name]
    actor = await make_account(role or "viewer")
    target = await make_account("viewer")
    fresh = f"a{secrets.token_hex(6)}"
    variables = {"n": f"{fresh}@example.com", "e": actor.email, "p": PASSWORD, "t": target.id}
    variables = {k: v for k, v in variables.items() if f"${k}" in document}
    if name == "register":
        variables = {"n": fresh + "@example.com"}
        document = document.replace("username: $n", f'username: "{fresh}"').replace(
            "password: $n", 'password: "long enough password"'
        )
    api = users_api if subgraph == "users" else system_api
    request_id = rid()
    body = await api.gql(
        document,
        variables,
        as_=actor if role else None,
        request_id=request_id,
        ip="192.0.2.9",
        user_agent="audit-test",
    )
    assert "errors" not in body, body
    rows = await audit_rows(request_id)
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["action"] == action
    assert row["ip"] == "192.0.2.9"
    assert row["user_agent"] == "audit-test"
    if role or name == "login":
        assert str(row["user_id"]) == actor.id
    else:
        assert row["user_id"] is not None
    assert PASSWORD not in str(row["details"])


async def test_queries_write_no_audit_row(users_api, system_api, admin, audit_rows):
    request_id = rid()
    await users_api.gql(
        "{ me { id } users { totalCount } apiKeys { id } }", as_=admin, request_id=request_id
    )
    await system_api.gql(
        "{ settings { key } auditLog { totalCount } }", as_=admin, request_id=request_id
    )
    assert await audit_rows(request_id) == []


async def test_a_refused_mutation_writes_no_audit_row(system_api, admin, audit_rows):
    request_id = rid()
    body = await system_api.gql(
        'mutation { updateSetting(key: "auth.accessTokenTtlSeconds", value: -1) { key } }',
        as_=admin,
        request_id=request_id,
    )
    assert body["errors"]
    assert await audit_rows(request_id) == []


async def test_a_failed_login_writes_no_audit_row(users_api, viewer, audit_rows):
    request_id = rid()
    await users_api.gql(
        "mutation($e: String!) {"
        ' login(input: {login: $e, password: "wrong wrong wrong"}) { accessToken } }',
        {"e": viewer.email},
        request_id=request_id,
        ip="192.0.2.200",
    )
    assert await audit_rows(request_id) == []


async def test_audit_rows_form_a_hash_chain(system_api, admin, resources):
    from sqlalchemy import text

    from core.audit_chain import row_hash

    for i in range(3):
        await system_api.gql(
            f'mutation {{ updateSetting(key: "site.name", value: "Chain {i}") {{ key }} }}',
            as_=admin,
        )
    async with resources.session_factory() as session:
        rows = [
            dict(r._mapping)
            for r in await session.execute(
                text("SELECT * FROM audit.audit_log ORDER BY id DESC LIMIT 5")
            )
        ]
    rows.reverse()
    for previous, row in pairwise(rows):
        assert row["prev_hash"] == previous["hash"]
    for row in rows:
        assert row["hash"] == row_hash(row, row["prev_hash"])


async def test_refreshing_and_revoking_write_one_audit_row_each(users_api, admin, audit_rows):
    login = await users_api.gql(
        "mutation($e: String!, $p: String!) {"
        " login(input: {login: $e, password: $p}) { refreshToken } }",
        {"e": admin.email, "p": PASSWORD},
    )
    request_id = rid()
    await users_api.gql(
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": login["data"]["login"]["refreshToken"]},
        request_id=request_id,
    )
    assert [r["action"] for r in await audit_rows(request_id)] == ["user.token_refresh"]
    created = await users_api.gql(
        'mutation { createApiKey(input: {name: "to revoke"}) { apiKey { id } } }', as_=admin
    )
    request_id = rid()
    await users_api.gql(
        "mutation($id: ID!) { revokeApiKey(id: $id) { id } }",
        {"id": created["data"]["createApiKey"]["apiKey"]["id"]},
        as_=admin,
        request_id=request_id,
    )
    assert [r["action"] for r in await audit_rows(request_id)] == ["api_key.revoke"]


async def test_refresh_token_reuse_is_audited_although_the_request_fails(
    users_api, viewer, audit_rows
):
    login = await users_api.gql(
        "mutation($e: String!, $p: String!) {"
        " login(input: {login: $e, password: $p}) { refreshToken } }",
        {"e": viewer.email, "p": PASSWORD},
    )
    token = login["data"]["login"]["refreshToken"]
    refresh = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }"
    await users_api.gql(refresh, {"t": token})
    request_id = rid()
    body = await users_api.gql(refresh, {"t": token}, request_id=request_id)
    assert body["errors"][0]["extensions"]["code"] == "REFRESH_TOKEN_REUSED"
    (row,) = await audit_rows(request_id)
    assert row["action"] == "auth.refresh_token_reuse"
    assert str(row["user_id"]) == viewer.id

"""Every guarded field and mutation of the users and system subgraphs, for every role.

A role at or above the field's minimum is let through (whatever else the resolver then says);
a lower one is refused with UNAUTHORIZED_FIELD_OR_TYPE, enforced inside the subgraph itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from core.security.principal import Principal
from core.security.roles import role_at_least
from tests.subgraphs.client import GUEST, error_codes

ROLES = ("guest", "viewer", "editor", "admin")


@dataclass(frozen=True)
class Case:
    subgraph: str
    minimum: str  # "viewer" stands for @authenticated here: any signed-in principal
    document: str
    needs_target: bool = False

    def __str__(self) -> str:
        match = re.search(r"\{\s*(\w+)", self.document)
        return f"{self.subgraph}.{match.group(1) if match else self.document}"


CASES = [
    Case("users", "viewer", "{ me { id } }"),
    Case("users", "viewer", '{ user(id: "00000000-0000-0000-0000-000000000000") { id } }'),
    Case("users", "editor", "{ users(first: 1) { totalCount } }"),
    Case("users", "admin", "{ apiKeys { id } }"),
    Case("users", "viewer", "mutation { updateProfile(input: {}) { id } }"),
    Case(
        "users",
        "viewer",
        'mutation { changePassword(input: {currentPassword: "wrong", newPassword: "x"}) }',
    ),
    Case(
        "users",
        "admin",
        'mutation($t: ID!) { setUserRole(userId: $t, role: "editor") { id } }',
        True,
    ),
    Case("users", "admin", "mutation($t: ID!) { deactivateUser(userId: $t) { id } }", True),
    Case("users", "admin", "mutation($t: ID!) { activateUser(userId: $t) { id } }", True),
    Case("users", "admin", 'mutation { createApiKey(input: {name: "matrix"}) { key } }'),
    Case(
        "users",
        "admin",
        'mutation { revokeApiKey(id: "00000000-0000-0000-0000-000000000000") { id } }',
    ),
    Case("system", "editor", "{ settings { key } }"),
    Case("system", "editor", '{ setting(key: "site.name") { value } }'),
    Case("system", "admin", "{ auditLog(first: 1) { totalCount } }"),
    Case(
        "system", "admin", 'mutation { updateSetting(key: "site.name", value: "Matrix") { key } }'
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
async def test_role_matrix(case: Case, role: str, users_api, system_api, make_account):
    principal: Principal = GUEST
    if role != "guest":
        principal = (await make_account(role)).principal
    variables = {}
    if case.needs_target:
        variables["t"] = (await make_account("viewer")).id
    api = users_api if case.subgraph == "users" else system_api
    body = await api.gql(case.document, variables, as_=principal)
    codes = error_codes(body)
    if role != "guest" and role_at_least(role, case.minimum):
        assert "UNAUTHORIZED_FIELD_OR_TYPE" not in codes, body
    else:
        assert codes == ["UNAUTHORIZED_FIELD_OR_TYPE"], body
        assert all(value is None for value in (body["data"] or {}).values()), body


async def test_an_api_key_principal_holds_the_scopes_of_its_role(users_api):
    key = Principal(
        sub="apikey:1",
        role="admin",
        scopes=frozenset({"role:admin", "role:editor", "role:viewer"}),
        kind="api_key",
    )
    body = await users_api.gql("{ apiKeys { id } users(first: 1) { totalCount } }", as_=key)
    assert "errors" not in body, body


async def test_a_principal_without_role_scopes_is_refused_whatever_its_role_claim(users_api):
    claims_admin = Principal(
        sub="apikey:2", role="admin", scopes=frozenset({"posts:read"}), kind="api_key"
    )
    body = await users_api.gql("{ apiKeys { id } }", as_=claims_admin)
    assert error_codes(body) == ["UNAUTHORIZED_FIELD_OR_TYPE"]

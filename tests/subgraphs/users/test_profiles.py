"""me, user, users (cursor pagination), updateProfile ownership, changePassword, setUserRole."""

from __future__ import annotations

import secrets

from tests.subgraphs.client import error_codes
from tests.subgraphs.conftest import PASSWORD
from tests.subgraphs.users.test_auth import LOGIN, REFRESH

USERS_PAGE = """query($first: Int, $after: String, $filter: UserFilter) {
  users(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id username } } } }"""


async def test_me_returns_the_signed_in_user(users_api, viewer):
    body = await users_api.gql("{ me { id email username role } }", as_=viewer)
    assert body["data"]["me"] == {
        "id": viewer.id,
        "email": viewer.email,
        "username": viewer.username,
        "role": "viewer",
    }


async def test_a_viewer_does_not_see_another_users_email(users_api, viewer, editor):
    body = await users_api.gql(
        "query($id: ID!) { user(id: $id) { username email } }", {"id": editor.id}, as_=viewer
    )
    assert body["data"]["user"] == {"username": editor.username, "email": None}
    assert error_codes(body) == ["FORBIDDEN"]


async def test_users_pages_through_more_rows_than_one_page(users_api, editor, make_account):
    tag = f"p{secrets.token_hex(3)}"
    made = []
    for _ in range(7):
        account = await make_account("viewer")
        await users_api.gql(
            "mutation($u: String!) { updateProfile(input: {username: $u}) { id } }",
            {"u": f"{tag}_{account.username}"},
            as_=account,
        )
        made.append(account.id)
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        body = await users_api.gql(
            USERS_PAGE, {"first": 3, "after": after, "filter": {"search": tag}}, as_=editor
        )
        assert "errors" not in body, body
        connection = body["data"]["users"]
        assert connection["totalCount"] == 7
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == made


async def test_users_refuses_a_page_size_out_of_range(users_api, editor):
    body = await users_api.gql(USERS_PAGE, {"first": 1000}, as_=editor)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_users_refuses_a_forged_cursor(users_api, editor):
    body = await users_api.gql(USERS_PAGE, {"first": 2, "after": "bm9wZQ"}, as_=editor)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_a_viewer_updates_their_own_profile(users_api, viewer):
    name = f"r{secrets.token_hex(4)}"
    body = await users_api.gql(
        "mutation($u: String!) { updateProfile(input: {username: $u}) { id username } }",
        {"u": name},
        as_=viewer,
    )
    assert body["data"]["updateProfile"] == {"id": viewer.id, "username": name}


async def test_a_viewer_cannot_update_someone_elses_profile(users_api, viewer, editor):
    body = await users_api.gql(
        'mutation($id: ID!) { updateProfile(input: {id: $id, username: "hijacked"}) { id } }',
        {"id": editor.id},
        as_=viewer,
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_an_admin_updates_someone_elses_profile(users_api, viewer, admin):
    email = f"new{secrets.token_hex(4)}@example.com"
    body = await users_api.gql(
        "mutation($id: ID!, $e: String!) { updateProfile(input: {id: $id, email: $e}) { email } }",
        {"id": viewer.id, "e": email},
        as_=admin,
    )
    assert body["data"]["updateProfile"]["email"] == email


async def test_update_profile_refuses_a_taken_username(users_api, viewer, editor):
    body = await users_api.gql(
        "mutation($u: String!) { updateProfile(input: {username: $u}) { id } }",
        {"u": editor.username},
        as_=viewer,
    )
    assert error_codes(body) == ["CONFLICT"]


async def test_change_password_revokes_other_sessions_but_keeps_this_one(users_api, viewer):
    mine = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"][
        "login"
    ]
    other = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"][
        "login"
    ]
    body = await users_api.gql(
        """mutation($c: String!, $n: String!, $t: String) {
          changePassword(input: {currentPassword: $c, newPassword: $n, refreshToken: $t}) }""",
        {"c": PASSWORD, "n": "a brand new passphrase", "t": mine["refreshToken"]},
        as_=viewer,
    )
    assert body["data"]["changePassword"] is True
    assert error_codes(await users_api.gql(REFRESH, {"t": other["refreshToken"]})) == [
        "INVALID_REFRESH_TOKEN"
    ]
    assert "errors" not in await users_api.gql(REFRESH, {"t": mine["refreshToken"]})
    old = await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD})
    assert error_codes(old) == ["INVALID_CREDENTIALS"]
    new = await users_api.gql(LOGIN, {"login": viewer.email, "password": "a brand new passphrase"})
    assert "errors" not in new


async def test_change_password_needs_the_current_password(users_api, viewer):
    body = await users_api.gql(
        "mutation { changePassword(input: "
        '{currentPassword: "nope nope nope", newPassword: "another passphrase"}) }',
        as_=viewer,
    )
    assert error_codes(body) == ["INVALID_CREDENTIALS"]


async def test_set_user_role_changes_the_role(users_api, viewer, admin):
    body = await users_api.gql(
        'mutation($id: ID!) { setUserRole(userId: $id, role: "editor") { role } }',
        {"id": viewer.id},
        as_=admin,
    )
    assert body["data"]["setUserRole"]["role"] == "editor"


async def test_set_user_role_refuses_an_unknown_role(users_api, viewer, admin):
    body = await users_api.gql(
        'mutation($id: ID!) { setUserRole(userId: $id, role: "owner") { role } }',
        {"id": viewer.id},
        as_=admin,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "owner" in body["errors"][0]["message"]


async def test_an_admin_cannot_change_their_own_role(users_api, admin):
    body = await users_api.gql(
        'mutation($id: ID!) { setUserRole(userId: $id, role: "viewer") { role } }',
        {"id": admin.id},
        as_=admin,
    )
    assert error_codes(body) == ["FORBIDDEN"]

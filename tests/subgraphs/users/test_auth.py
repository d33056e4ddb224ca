"""register, login, refreshToken and logout through the users subgraph's HTTP app."""

from __future__ import annotations

import secrets
import uuid

from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import select, update

from core.security import passwords
from subgraphs.kit.tables import users
from tests.subgraphs.client import error_codes
from tests.subgraphs.conftest import PASSWORD

REGISTER = """mutation($input: RegisterInput!) { register(input: $input) {
  accessToken refreshToken expiresIn user { id email username role isActive } } }"""
LOGIN = """mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password}) {
    accessToken refreshToken user { id lastLogin } } }"""
REFRESH = """mutation($t: String!) {
  refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }"""
LOGOUT = """mutation($t: String) { logout(refreshToken: $t) }"""


def new_identity() -> dict[str, str]:
    name = f"n{secrets.token_hex(5)}"
    return {
        "email": f"{name.upper()}@Example.com",
        "username": name,
        "password": "a long enough passphrase",
    }


async def test_register_creates_a_viewer_and_signs_them_in(users_api):
    identity = new_identity()
    body = await users_api.gql(REGISTER, {"input": identity})
    assert "errors" not in body, body
    payload = body["data"]["register"]
    assert payload["user"]["email"] == identity["email"].lower()
    assert payload["user"]["role"] == "viewer"
    assert payload["user"]["isActive"] is True
    assert payload["accessToken"].count(".") == 2
    assert payload["expiresIn"] == 900
    assert len(payload["refreshToken"]) >= 40


async def test_register_refuses_a_taken_email(users_api, viewer):
    identity = new_identity() | {"email": viewer.email}
    body = await users_api.gql(REGISTER, {"input": identity})
    assert error_codes(body) == ["CONFLICT"]
    assert "email" in body["errors"][0]["message"]


async def test_register_refuses_a_short_password(users_api):
    body = await users_api.gql(REGISTER, {"input": new_identity() | {"password": "short"}})
    assert error_codes(body) == ["PASSWORD_POLICY_VIOLATION"]
    assert "12 characters" in body["errors"][0]["message"]


async def test_register_refuses_the_username_as_password(users_api):
    identity = new_identity()
    identity["username"] = "samesame_pass"
    identity["password"] = "SameSame_Pass"
    body = await users_api.gql(REGISTER, {"input": identity})
    assert error_codes(body) == ["PASSWORD_POLICY_VIOLATION"]


async def test_register_refuses_an_invalid_username(users_api):
    body = await users_api.gql(REGISTER, {"input": new_identity() | {"username": "a b"}})
    assert error_codes(body) == ["INVALID_USERNAME"]


async def test_login_works_with_email_or_username(users_api, viewer):
    for login in (viewer.email.upper(), viewer.username):
        body = await users_api.gql(LOGIN, {"login": login, "password": PASSWORD}, ip="198.51.100.1")
        assert "errors" not in body, body
        assert body["data"]["login"]["user"]["id"] == viewer.id
        assert body["data"]["login"]["user"]["lastLogin"] is not None


async def test_login_with_a_wrong_password_fails_without_saying_which_part(users_api, viewer):
    body = await users_api.gql(LOGIN, {"login": viewer.email, "password": "wrong password!!"})
    assert error_codes(body) == ["INVALID_CREDENTIALS"]
    assert body["data"] is None


async def test_refresh_rotates_the_token(users_api, viewer):
    first = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"][
        "login"
    ]
    body = await users_api.gql(REFRESH, {"t": first["refreshToken"]})
    assert "errors" not in body, body
    second = body["data"]["refreshToken"]
    assert second["refreshToken"] != first["refreshToken"]
    assert second["user"]["id"] == viewer.id
    again = await users_api.gql(REFRESH, {"t": second["refreshToken"]})
    assert "errors" not in again, again


async def test_reusing_a_refresh_token_revokes_its_whole_family(users_api, viewer):
    first = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"][
        "login"
    ]
    second = (await users_api.gql(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    reuse = await users_api.gql(REFRESH, {"t": first["refreshToken"]})
    assert error_codes(reuse) == ["REFRESH_TOKEN_REUSED"]
    after = await users_api.gql(REFRESH, {"t": second["refreshToken"]})
    assert error_codes(after) == ["INVALID_REFRESH_TOKEN"]


async def test_reuse_of_one_family_leaves_other_sessions_alive(users_api, viewer):
    a = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"]["login"]
    b = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"]["login"]
    await users_api.gql(REFRESH, {"t": a["refreshToken"]})
    await users_api.gql(REFRESH, {"t": a["refreshToken"]})
    body = await users_api.gql(REFRESH, {"t": b["refreshToken"]})
    assert "errors" not in body, body


async def test_an_unknown_refresh_token_is_refused(users_api):
    body = await users_api.gql(REFRESH, {"t": "not-a-token"})
    assert error_codes(body) == ["INVALID_REFRESH_TOKEN"]


async def test_logout_revokes_the_refresh_token(users_api, viewer):
    session = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"][
        "login"
    ]
    body = await users_api.gql(LOGOUT, {"t": session["refreshToken"]}, as_=viewer)
    assert body["data"]["logout"] is True
    refused = await users_api.gql(REFRESH, {"t": session["refreshToken"]})
    assert error_codes(refused) == ["INVALID_REFRESH_TOKEN"]


async def test_logout_without_a_token_ends_every_session_of_the_user(users_api, viewer):
    a = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"]["login"]
    b = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"]["login"]
    body = await users_api.gql(LOGOUT, {"t": None}, as_=viewer)
    assert body["data"]["logout"] is True
    for session in (a, b):
        refused = await users_api.gql(REFRESH, {"t": session["refreshToken"]})
        assert error_codes(refused) == ["INVALID_REFRESH_TOKEN"]


async def test_login_rehashes_a_password_hashed_with_weaker_parameters(
    users_api, make_account, resources
):
    account = await make_account("viewer")
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    async with resources.session_factory() as session, session.begin():
        await session.execute(
            update(users).where(users.c.id == uuid.UUID(account.id)).values(password_hash=weak)
        )

    body = await users_api.gql(LOGIN, {"login": account.username, "password": PASSWORD})

    assert "errors" not in body, body
    async with resources.session_factory() as session:
        stored = await session.scalar(
            select(users.c.password_hash).where(users.c.id == uuid.UUID(account.id))
        )
    assert stored != weak
    assert extract_parameters(stored) == extract_parameters(passwords.hash_password("x" * 12))
    assert not passwords.needs_rehash(stored)
    assert passwords.verify_password(stored, PASSWORD)

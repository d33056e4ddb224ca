"""Login throttling: repeated failures lock the account (and the IP) whatever the password."""

from __future__ import annotations

import secrets

from subgraphs.users.throttle import ACCOUNT_LIMIT, IP_LIMIT
from tests.subgraphs.client import error_codes
from tests.subgraphs.conftest import PASSWORD
from tests.subgraphs.users.test_auth import LOGIN


def fresh_ip() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


async def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(
    users_api, viewer
):
    for _ in range(ACCOUNT_LIMIT):
        body = await users_api.gql(
            LOGIN, {"login": viewer.email, "password": "wrong password!"}, ip=fresh_ip()
        )
        assert error_codes(body) == ["INVALID_CREDENTIALS"]
    body = await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}, ip=fresh_ip())
    assert error_codes(body) == ["TOO_MANY_LOGIN_ATTEMPTS"]
    assert body["errors"][0]["extensions"]["retryAfter"] > 0


async def test_failures_by_username_lock_an_attempt_by_email(users_api, viewer):
    for _ in range(ACCOUNT_LIMIT):
        await users_api.gql(
            LOGIN, {"login": viewer.username, "password": "wrong password!"}, ip=fresh_ip()
        )
    body = await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}, ip=fresh_ip())
    assert error_codes(body) == ["TOO_MANY_LOGIN_ATTEMPTS"]


async def test_failures_by_username_and_by_email_count_together(users_api, viewer):
    logins = [viewer.username, viewer.email.upper(), f" {viewer.username.upper()} "]
    for i in range(ACCOUNT_LIMIT):
        body = await users_api.gql(
            LOGIN, {"login": logins[i % len(logins)], "password": "wrong password!"}, ip=fresh_ip()
        )
        assert error_codes(body) == ["INVALID_CREDENTIALS"]
    body = await users_api.gql(
        LOGIN, {"login": viewer.username, "password": PASSWORD}, ip=fresh_ip()
    )
    assert error_codes(body) == ["TOO_MANY_LOGIN_ATTEMPTS"]


async def test_a_login_naming_no_account_is_counted_by_its_normalised_text(users_api):
    login = f"ghost{secrets.token_hex(4)}@example.com"
    for i in range(ACCOUNT_LIMIT):
        typed = login.upper() if i % 2 else f"  {login} "
        await users_api.gql(LOGIN, {"login": typed, "password": "wrong password!"}, ip=fresh_ip())
    body = await users_api.gql(
        LOGIN, {"login": login, "password": "wrong password!"}, ip=fresh_ip()
    )
    assert error_codes(body) == ["TOO_MANY_LOGIN_ATTEMPTS"]


async def test_fewer_failures_than_the_limit_still_allow_a_correct_login(users_api, viewer):
    for _ in range(ACCOUNT_LIMIT - 1):
        await users_api.gql(
            LOGIN, {"login": viewer.email, "password": "wrong password!"}, ip=fresh_ip()
        )
    body = await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}, ip=fresh_ip())
    assert "errors" not in body, body


async def test_an_ip_is_locked_after_many_failures_across_accounts(users_api, viewer):
    ip = fresh_ip()
    for i in range(IP_LIMIT):
        await users_api.gql(
            LOGIN, {"login": f"nobody{i}@example.com", "password": "wrong password!"}, ip=ip
        )
    body = await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}, ip=ip)
    assert error_codes(body) == ["TOO_MANY_LOGIN_ATTEMPTS"]
    elsewhere = await users_api.gql(
        LOGIN, {"login": viewer.email, "password": PASSWORD}, ip=fresh_ip()
    )
    assert "errors" not in elsewhere, elsewhere

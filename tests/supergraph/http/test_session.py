"""Browser sessions: cookies set by /auth/session, rotated by /auth/refresh, cleared on logout."""

from __future__ import annotations

import httpx

from tests.supergraph.http.stack import EdgeStack

ME = {"query": "{ me { username role } }"}
ADA = {"login": "ada", "password": "correct horse battery"}


def set_cookies(response: httpx.Response) -> dict[str, str]:
    found: dict[str, str] = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        found[name] = header
    return found


async def test_login_sets_httponly_lax_cookies_and_returns_the_user(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post("/auth/session", json=ADA)
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "ada"
    assert "accessToken" not in response.text  # tokens only in httpOnly cookies
    cookies = set_cookies(response)
    session, refresh = cookies["althaus_session"], cookies["althaus_refresh"]
    for cookie in (session, refresh):
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # not production
    assert "Path=/;" in session or session.endswith("Path=/")
    assert "Path=/auth" in refresh


async def test_session_cookie_authenticates_graphql_requests(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        await client.post("/auth/session", json=ADA)
        response = await client.post("/graphql", json=ME)
    assert response.json() == {"data": {"me": {"username": "ada", "role": "admin"}}}
    assert edge.received["users"].claims[-1].principal.sub == "u-ada"


async def test_wrong_password_is_401_and_sets_no_cookie(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post("/auth/session", json={"login": "ada", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"
    assert "althaus_session" not in set_cookies(response)


async def test_login_body_must_name_login_and_password(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post("/auth/session", json={"login": "ada"})
    assert response.status_code == 400


async def test_login_by_form_post_is_refused_as_csrf(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post("/auth/session", data=ADA)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"


async def test_refresh_rotates_the_refresh_token(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        login = await client.post("/auth/session", json=ADA)
        first = client.cookies.get("althaus_refresh", path="/auth")
        refreshed = await client.post("/auth/refresh", json={})
        second = client.cookies.get("althaus_refresh", path="/auth")
        me = await client.post("/graphql", json=ME)
    assert login.status_code == 200
    assert refreshed.status_code == 200
    assert first and second and first != second
    assert me.json()["data"]["me"]["username"] == "ada"
    assert first in edge.identity.used_refresh_tokens


async def test_refresh_without_a_session_is_401(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post("/auth/refresh", json={})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "NO_REFRESH_TOKEN"


async def test_logout_revokes_and_clears_both_cookies(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        await client.post("/auth/session", json=ADA)
        token = client.cookies.get("althaus_refresh", path="/auth")
        response = await client.post("/auth/logout", json={})
        me = await client.post("/graphql", json=ME)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "revoked": True}
    assert token not in edge.identity.refresh_tokens
    cleared = set_cookies(response)
    assert (
        'althaus_session=""' in cleared["althaus_session"]
        or "Max-Age=0" in cleared["althaus_session"]
    )
    assert "Max-Age=0" in cleared["althaus_refresh"]
    assert me.json()["data"]["me"] is None


async def test_secure_cookies_in_production(edge: EdgeStack) -> None:
    edge.require_loaded()
    from tests.supergraph.http.stack import app_over

    async with (
        app_over(edge.identity, edge.received, edge.urls, env="production") as stack,
        stack.client() as client,
    ):
        response = await client.post("/auth/session", json=ADA)
    assert all("Secure" in c for c in set_cookies(response).values())

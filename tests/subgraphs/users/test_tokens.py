"""Access tokens of the users subgraph verify against its JWKS; deactivation ends sessions."""

from __future__ import annotations

import jwt

from core.security.access_tokens import ALGORITHM
from tests.subgraphs.client import error_codes
from tests.subgraphs.conftest import PASSWORD
from tests.subgraphs.users.test_auth import LOGIN, REFRESH


async def test_jwks_is_served_without_a_token_and_verifies_issued_tokens(
    users_api, settings, viewer
):
    response = await users_api.http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    jwks = response.json()
    body = await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD})
    token = body["data"]["login"]["accessToken"]
    header = jwt.get_unverified_header(token)
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    key = jwt.PyJWK(jwk).key
    claims = jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )
    assert claims["sub"] == viewer.id
    assert claims["role"] == "viewer"
    assert claims["email"] == viewer.email
    assert claims["scope"] == "role:viewer"
    assert claims["exp"] - claims["iat"] == 900
    assert claims["jti"]


async def test_a_token_signed_by_another_key_does_not_verify_against_the_jwks(users_api, settings):
    from core.secrets import new_jwt_private_key
    from core.security.access_tokens import SigningKey, issue

    jwks = (await users_api.http.get("/.well-known/jwks.json")).json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    forged = issue(
        SigningKey.from_pem(new_jwt_private_key()),
        sub="x",
        role="admin",
        email=None,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    ).token
    try:
        jwt.decode(forged, key, algorithms=[ALGORITHM], audience=settings.jwt_audience)
    except jwt.InvalidSignatureError:
        return
    raise AssertionError("a token from another key verified")


async def test_a_deactivated_user_can_neither_refresh_nor_read_me(users_api, viewer, admin):
    session = (await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD}))["data"][
        "login"
    ]
    body = await users_api.gql(
        "mutation($id: ID!) { deactivateUser(userId: $id) { isActive } }",
        {"id": viewer.id},
        as_=admin,
    )
    assert body["data"]["deactivateUser"]["isActive"] is False
    refused = await users_api.gql(REFRESH, {"t": session["refreshToken"]})
    assert error_codes(refused) == ["INVALID_REFRESH_TOKEN"]
    # Its access token is revoked: refused before any resolver runs.
    me = await users_api.post("{ me { id } }", headers=users_api.headers(viewer))
    assert me.status_code == 401
    assert error_codes(me.json()) == ["UNAUTHENTICATED"]
    login = await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD})
    assert error_codes(login) == ["ACCOUNT_DEACTIVATED"]


async def test_reactivating_lets_the_user_sign_in_again(users_api, viewer, admin):
    await users_api.gql(
        "mutation($id: ID!) { deactivateUser(userId: $id) { id } }", {"id": viewer.id}, as_=admin
    )
    body = await users_api.gql(
        "mutation($id: ID!) { activateUser(userId: $id) { isActive } }",
        {"id": viewer.id},
        as_=admin,
    )
    assert body["data"]["activateUser"]["isActive"] is True
    login = await users_api.gql(LOGIN, {"login": viewer.email, "password": PASSWORD})
    assert "errors" not in login, login

"""Bearer access tokens: verified against the users JWKS; bad ones are 401, never a guest."""

from __future__ import annotations

import time

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.security.access_tokens import SigningKey, issue
from tests.supergraph.http.stack import EdgeStack

ME = {"query": "{ me { id username role } }"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims(**changes: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "iss": "althaus",
        "aud": "althaus",
        "sub": "u-ada",
        "iat": now,
        "exp": now + 600,
        "jti": "j1",
        "role": "admin",
        "email": "ada@example.com",
        "scope": "role:admin role:editor role:viewer",
    }
    base.update(changes)
    return base


def signed(edge: EdgeStack, **changes: object) -> str:
    key = edge.identity.signing_key
    return jwt.encode(
        claims(**changes), key.private_key, algorithm="EdDSA", headers={"kid": key.kid}
    )


async def test_valid_token_reads_as_its_user(edge: EdgeStack) -> None:
    edge.require_loaded()
    token = edge.identity.access_token(edge.identity.accounts["u-ada"])
    async with edge.client() as client:
        response = await client.post("/graphql", json=ME, headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["data"]["me"] == {"id": "u-ada", "username": "ada", "role": "admin"}


async def _refused(edge: EdgeStack, token: str) -> dict[str, object]:
    async with edge.client() as client:
        response = await client.post("/graphql", json=ME, headers=bearer(token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert edge.received["users"].bodies == []
    error: dict[str, object] = response.json()["errors"][0]
    return error


async def test_expired_token_is_401_token_expired(edge: EdgeStack) -> None:
    token = signed(edge, exp=int(time.time()) - 60, iat=int(time.time()) - 1000)
    error = await _refused(edge, token)
    assert error["extensions"] == {"code": "TOKEN_EXPIRED"}


async def test_token_for_another_audience_is_refused(edge: EdgeStack) -> None:
    error = await _refused(edge, signed(edge, aud="someone-else"))
    assert "audience" in str(error["message"])


async def test_token_from_another_issuer_is_refused(edge: EdgeStack) -> None:
    error = await _refused(edge, signed(edge, iss="mallory"))
    assert "issuer" in str(error["message"])


async def test_unsigned_alg_none_token_is_refused(edge: EdgeStack) -> None:
    token = jwt.encode(
        claims(), None, algorithm="none", headers={"kid": edge.identity.signing_key.kid}
    )
    error = await _refused(edge, token)
    assert error["extensions"] == {"code": "INVALID_TOKEN"}
    assert "'none'" in str(error["message"])


async def test_hs256_token_keyed_with_the_public_key_is_refused(edge: EdgeStack) -> None:
    public = edge.identity.signing_key.public_jwk()["x"].encode()
    token = jwt.encode(
        claims(), public * 2, algorithm="HS256", headers={"kid": edge.identity.signing_key.kid}
    )
    error = await _refused(edge, token)
    assert "HS256" in str(error["message"])


async def test_token_signed_by_an_unknown_key_is_refused(edge: EdgeStack) -> None:
    stranger = SigningKey(Ed25519PrivateKey.generate())
    token = issue(
        stranger, sub="u-ada", role="admin", email=None, issuer="althaus", audience="althaus"
    ).token
    error = await _refused(edge, token)
    assert "unknown key" in str(error["message"])


async def test_token_with_a_forged_signature_is_refused(edge: EdgeStack) -> None:
    stranger = Ed25519PrivateKey.generate()
    token = jwt.encode(
        claims(), stranger, algorithm="EdDSA", headers={"kid": edge.identity.signing_key.kid}
    )
    await _refused(edge, token)


async def test_malformed_authorization_header_is_401(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post("/graphql", json=ME, headers={"Authorization": "Basic YTpi"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_AUTHORIZATION_HEADER"


async def test_rotated_key_is_fetched_once_when_first_seen(edge: EdgeStack) -> None:
    edge.require_loaded()
    identity = edge.identity
    account = identity.accounts["u-bob"]
    async with edge.client() as client:
        await client.post("/graphql", json=ME, headers=bearer(identity.access_token(account)))
        fetches = identity.jwks_fetches
        new_key = identity.rotate()
        for _ in range(3):
            response = await client.post(
                "/graphql", json=ME, headers=bearer(identity.access_token(account, new_key))
            )
            assert response.status_code == 200
            assert response.json()["data"]["me"]["username"] == "bob"
    assert identity.jwks_fetches == fetches + 1

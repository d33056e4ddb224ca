"""EdDSA access tokens: claims, kid = RFC 7638 thumbprint, verification against the JWKS."""

from __future__ import annotations

import base64
import hashlib
import time

import jwt
import pytest

from core.secrets import new_jwt_private_key
from core.security import access_tokens
from core.security.access_tokens import AccessTokenError, SigningKey


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.from_pem(new_jwt_private_key())


def issue(key: SigningKey, **overrides):
    args = {
        "sub": "u1",
        "role": "editor",
        "email": "e@example.com",
        "issuer": "althaus",
        "audience": "althaus",
    }
    return access_tokens.issue(key, **(args | overrides))


def test_a_token_carries_every_claim(key):
    issued = issue(key)
    claims = access_tokens.verify(
        issued.token, key.public_key, issuer="althaus", audience="althaus"
    )
    assert {"iss", "aud", "sub", "exp", "iat", "jti", "role", "email", "scope"} <= claims.keys()
    assert claims["scope"] == "role:editor role:viewer"
    assert claims["exp"] - claims["iat"] == 900 == issued.expires_in
    assert jwt.get_unverified_header(issued.token) == {"alg": "EdDSA", "typ": "JWT", "kid": key.kid}


def test_kid_is_the_rfc7638_thumbprint(key):
    jwk = key.public_jwk()
    canonical = f'{{"crv":"Ed25519","kty":"OKP","x":"{jwk["x"]}"}}'.encode()
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()
    assert key.kid == expected


def test_the_jwks_verifies_tokens(key):
    (jwk,) = key.jwks()["keys"]
    public = jwt.PyJWK(jwk).key
    claims = jwt.decode(issue(key).token, public, algorithms=["EdDSA"], audience="althaus")
    assert claims["sub"] == "u1"


def test_an_expired_token_is_refused(key):
    old = issue(key, now=time.time() - 3600).token
    with pytest.raises(AccessTokenError, match="expired"):
        access_tokens.verify(old, key.public_key, issuer="althaus", audience="althaus")


def test_a_token_for_another_audience_is_refused(key):
    with pytest.raises(AccessTokenError):
        access_tokens.verify(
            issue(key, audience="other").token, key.public_key, issuer="althaus", audience="althaus"
        )


def test_a_token_from_another_key_is_refused(key):
    other = SigningKey.from_pem(new_jwt_private_key())
    with pytest.raises(AccessTokenError):
        access_tokens.verify(
            issue(other).token, key.public_key, issuer="althaus", audience="althaus"
        )


def test_a_non_ed25519_key_is_refused():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="Ed25519"):
        SigningKey.from_pem(pem)

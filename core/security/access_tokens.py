"""Access tokens: EdDSA (Ed25519) JWTs signed by the users subgraph, and the JWKS that
publishes the public key (`kid` is the key's RFC 7638 thumbprint)."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any, Final

import jwt
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
)

from core.security.roles import scopes_for_role

ALGORITHM: Final = "EdDSA"
DEFAULT_TTL_SECONDS: Final = 15 * 60


class AccessTokenError(Exception):
    """An access token that is malformed, wrongly signed, expired or for someone else."""

    code = "INVALID_ACCESS_TOKEN"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    """The Ed25519 key pair behind access tokens."""

    private_key: Ed25519PrivateKey

    @classmethod
    def from_pem(cls, pem: str | bytes) -> SigningKey:
        raw = pem.encode() if isinstance(pem, str) else pem
        key = load_pem_private_key(raw, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("JWT_PRIVATE_KEY must be an Ed25519 private key")
        return cls(key)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        x = _b64url(self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))
        return {"kty": "OKP", "crv": "Ed25519", "x": x}

    @property
    def kid(self) -> str:
        """RFC 7638 thumbprint: sha256 over the required members, sorted, no whitespace."""
        canonical = orjson.dumps(self.public_jwk(), option=orjson.OPT_SORT_KEYS)
        return _b64url(hashlib.sha256(canonical).digest())

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        jwk = {**self.public_jwk(), "kid": self.kid, "use": "sig", "alg": ALGORITHM}
        return {"keys": [jwk]}


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int
    jti: str


def issue(
    key: SigningKey,
    *,
    sub: str,
    role: str,
    email: str | None,
    issuer: str,
    audience: str,
    ttl: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
) -> IssuedToken:
    issued = int(now if now is not None else time.time())
    jti = uuid.uuid4().hex
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": sub,
        "iat": issued,
        "exp": issued + ttl,
        "jti": jti,
        "role": role,
        "email": email,
        "scope": " ".join(sorted(scopes_for_role(role))),
    }
    token = jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})
    return IssuedToken(token=token, expires_in=ttl, jti=jti)


def verify(
    token: str, public_key: Ed25519PublicKey, *, issuer: str, audience: str
) -> dict[str, Any]:
    """The claims of a valid token; AccessTokenError otherwise."""
    try:
        return jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            issuer=issuer,
            audience=audience,
            options={"require": ["exp", "iat", "sub", "iss", "aud", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise AccessTokenError(f"invalid access token: {exc}") from exc

"""Access tokens: JWTs from the users subgraph, verified against its JWKS, made a principal."""

from __future__ import annotations

from typing import Final

import jwt

from core.security.principal import Principal
from core.security.revocations import RevocationFollower
from core.security.roles import ASSIGNABLE_ROLES
from supergraph.auth.errors import InvalidTokenError, TokenExpiredError
from supergraph.auth.jwks import KeySet

# Asymmetric only: `none` and HS* would let anyone holding the public key (or nothing) sign.
ALLOWED_ALGORITHMS: Final = frozenset({"EdDSA", "ES256", "RS256"})
LEEWAY_SECONDS: Final = 10


class AccessTokenVerifier:
    """`revocations`, when given, refuses the tokens of users deactivated (or given another
    role) since the token was issued; without it (no Redis) they pass until they expire."""

    def __init__(
        self,
        keys: KeySet,
        *,
        issuer: str,
        audience: str,
        revocations: RevocationFollower | None = None,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.revocations = revocations

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidTokenError("access token is not a well-formed JWT") from None
        algorithm = header.get("alg")
        if algorithm not in ALLOWED_ALGORITHMS:
            raise InvalidTokenError(
                f"access token algorithm {algorithm!r} is not accepted; "
                f"expected one of {', '.join(sorted(ALLOWED_ALGORITHMS))}"
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidTokenError("access token has no key id (kid)")
        key = await self.keys.key(kid)
        if key.algorithm_name != algorithm:
            raise InvalidTokenError("access token algorithm does not match its signing key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenExpiredError(
                "access token has expired; refresh it or sign in again"
            ) from None
        except jwt.InvalidAudienceError:
            raise InvalidTokenError("access token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidTokenError("access token is from another issuer") from None
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(f"access token is not valid: {exc}") from None
        role = claims.get("role")
        if role not in ASSIGNABLE_ROLES:
            raise InvalidTokenError(f"access token carries an unknown role {role!r}")
        sub = str(claims["sub"])
        issued_at = int(claims["iat"])
        if self.revocations is not None and self.revocations.refuses(sub, issued_at):
            raise InvalidTokenError(
                "access token was revoked (the account was deactivated or its role changed); "
                "sign in again"
            )
        scope = claims.get("scope")
        extra = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
        email = claims.get("email")
        return Principal.user(
            sub, role, email if isinstance(email, str) else None, extra, issued_at=issued_at
        )

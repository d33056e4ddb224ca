"""The X-Internal-Token: a short-lived HS256 JWT from the gateway to one subgraph.

Claims: `sub role email scope` (the principal; `scope` space-separated), `kind`, `tiat` (when
the user's access token was issued, for revocation checks), `rid` (request id), `ip` and `ua`
(client IP and user agent, for audit rows), `aud` (the subgraph name), `iss` = "althaus-gateway",
`iat`, `exp` (60 s). Subgraphs trust nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

import jwt
import orjson

from core.security.principal import Principal, RequestContext

HEADER = "X-Internal-Token"
ISSUER = "althaus-gateway"
ALGORITHM = "HS256"
TTL_SECONDS = 60
MIN_SECRET_BYTES = 32


class InternalTokenError(Exception):
    """The token is missing, malformed, wrongly signed, for another audience or expired."""

    code = "INVALID_INTERNAL_TOKEN"


@dataclass(frozen=True, slots=True)
class InternalClaims:
    principal: Principal
    context: RequestContext


PLUGIN_AUDIENCE_PREFIX = "plugin_"


def _check_secret(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError("INTERNAL_TOKEN_SECRET must be at least 256 bits (32 bytes)")
    return key


def audience_key(secret: str | bytes, audience: str) -> bytes:
    """The key that signs tokens for `audience`.

    Core subgraphs share INTERNAL_TOKEN_SECRET. A plugin subgraph (`plugin_<name>`) runs code
    the platform does not trust with that secret, so its tokens are signed with a key derived
    from it for that audience alone: the plugin's process is given only its derived key
    (`plugin_key`), which can neither mint tokens for another subgraph nor be turned back into
    the platform's secret.
    """
    key = _check_secret(secret)
    if audience.startswith(PLUGIN_AUDIENCE_PREFIX):
        return hmac.new(key, b"althaus-plugin-token:" + audience.encode(), hashlib.sha256).digest()
    return key


def plugin_key(secret: str | bytes, audience: str) -> str:
    """The derived key handed to a plugin's process, hex-encoded (see `audience_key`)."""
    if not audience.startswith(PLUGIN_AUDIENCE_PREFIX):
        raise ValueError(f"{audience!r} is not a plugin subgraph (plugin_<name>)")
    return audience_key(secret, audience).hex()


def mint(
    principal: Principal,
    audience: str,
    secret: str | bytes,
    context: RequestContext | None = None,
    *,
    ttl: int = TTL_SECONDS,
    now: float | None = None,
) -> str:
    """Sign a token for one subgraph (`audience` is the subgraph name)."""
    issued = int(now if now is not None else time.time())
    ctx = context or RequestContext()
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": audience,
        "iat": issued,
        "exp": issued + ttl,
        "sub": principal.sub,
        "role": principal.role,
        "email": principal.email,
        "scope": " ".join(sorted(principal.scopes)),
        "kind": principal.kind,
        "tiat": principal.issued_at,
        "rid": ctx.request_id,
        "ip": ctx.ip,
        "ua": ctx.user_agent,
    }
    if principal.sub is None:
        # PyJWT refuses a non-string `sub`; a guest's token simply has none.
        del claims["sub"]
    # Minted once per subgraph fetch on the gateway's hot path: a direct HS256 encoding (the
    # same bytes PyJWT would produce, verified by PyJWT in `verify`) costs a fraction of
    # `jwt.encode`, which re-validates the key and headers on every call.
    signing_input = _HEADER_B64 + b"." + _b64(orjson.dumps(claims))
    signature = hmac.new(audience_key(secret, audience), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64(signature)).decode("ascii")


_HEADER_B64 = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def verify(
    token: str | None, audience: str, secret: str | bytes, *, derived_key: bool = False
) -> InternalClaims:
    """Check signature, issuer, audience and expiry; return the principal and request context.

    `secret` is INTERNAL_TOKEN_SECRET, or with `derived_key=True` the hex key a plugin's process
    was given (`plugin_key`).
    """
    if not token:
        raise InternalTokenError("missing X-Internal-Token")
    if derived_key:
        raw = secret.decode() if isinstance(secret, bytes) else secret
        key = _check_secret(bytes.fromhex(raw))
    else:
        key = audience_key(secret, audience)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InternalTokenError("internal token expired") from exc
    except jwt.InvalidAudienceError as exc:
        raise InternalTokenError("internal token is for another subgraph") from exc
    except jwt.PyJWTError as exc:
        raise InternalTokenError(f"invalid internal token: {exc}") from exc
    scope = claims.get("scope") or ""
    token_issued = claims.get("tiat")
    principal = Principal(
        sub=claims.get("sub"),
        role=claims.get("role") or "guest",
        email=claims.get("email"),
        scopes=frozenset(scope.split()),
        kind=claims.get("kind") or ("user" if claims.get("sub") else "guest"),
        issued_at=token_issued if isinstance(token_issued, int) else None,
    )
    context = RequestContext(
        request_id=claims.get("rid") or "", ip=claims.get("ip"), user_agent=claims.get("ua")
    )
    return InternalClaims(principal=principal, context=context)


def headers_for(
    principal: Principal,
    audience: str,
    secret: str | bytes,
    context: RequestContext | None = None,
) -> dict[str, str]:
    """Every header the gateway sends a subgraph: the signed token plus informational copies."""
    ctx = context or RequestContext()
    headers = {HEADER: mint(principal, audience, secret, ctx), "X-Request-Id": ctx.request_id}
    if principal.sub:
        headers["X-User-Id"] = principal.sub
    headers["X-User-Role"] = principal.role
    if principal.email:
        headers["X-User-Email"] = principal.email
    return headers

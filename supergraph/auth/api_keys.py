"""API keys: resolved to a principal by the users subgraph, cached briefly by the key's sha256."""

from __future__ import annotations

import hashlib
import time

from core.security import internal_token
from core.security.principal import Principal, RequestContext
from core.security.roles import ROLES
from supergraph.auth.errors import AuthServiceUnavailableError, InvalidApiKeyError
from supergraph.auth.users_service import UsersService

RESOLVE_PATH = "/internal/api-keys/resolve"
MAX_KEY_LENGTH = 512


class ApiKeyResolver:
    """Positive answers are kept `ttl` seconds (a revoked key works at most that long), refusals
    `negative_ttl` seconds, so a client retrying a bad key does not reach the database each time.
    Only the sha256 of a key is held in memory."""

    def __init__(
        self,
        users: UsersService,
        internal_secret: str,
        *,
        ttl: float = 30.0,
        negative_ttl: float = 5.0,
        max_entries: int = 10_000,
    ) -> None:
        self.users = users
        self.internal_secret = internal_secret
        self.ttl = ttl
        self.negative_ttl = negative_ttl
        self.max_entries = max_entries
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def resolve(self, key: str, context: RequestContext) -> Principal:
        if not key or len(key) > MAX_KEY_LENGTH:
            raise InvalidApiKeyError("unknown, revoked or expired API key")
        digest = hashlib.sha256(key.encode()).hexdigest()
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            if cached[1] is None:
                raise InvalidApiKeyError("unknown, revoked or expired API key")
            return cached[1]
        principal = await self._ask(key, context)
        if len(self._cache) >= self.max_entries:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            if len(self._cache) >= self.max_entries:
                self._cache.clear()
        expires = now + (self.ttl if principal is not None else self.negative_ttl)
        self._cache[digest] = (expires, principal)
        if principal is None:
            raise InvalidApiKeyError("unknown, revoked or expired API key")
        return principal

    async def _ask(self, key: str, context: RequestContext) -> Principal | None:
        headers = internal_token.headers_for(
            Principal.guest(), "users", self.internal_secret, context
        )
        status, body = await self.users.post_json(RESOLVE_PATH, {"key": key}, headers)
        if status in (401, 403, 404) and not _is_gateway_refused(body):
            return None
        if status != 200 or not isinstance(body, dict):
            raise AuthServiceUnavailableError(
                f"the users subgraph could not resolve the API key (HTTP {status})"
            )
        sub, role = body.get("sub"), body.get("role")
        if not isinstance(sub, str) or role not in ROLES:
            raise AuthServiceUnavailableError("the users subgraph answered an unusable API key")
        scope = body.get("scope")
        email = body.get("email")
        return Principal(
            sub=sub,
            role=role,
            email=email if isinstance(email, str) else None,
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
            kind="api_key",
        )


def _is_gateway_refused(body: object) -> bool:
    """The subgraph refused the gateway itself (bad internal token), not the key."""
    if not isinstance(body, dict):
        return False
    error = body.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    errors = body.get("errors")
    if code is None and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        ext = errors[0].get("extensions")
        code = ext.get("code") if isinstance(ext, dict) else None
    return code not in (None, "INVALID_API_KEY")

"""From a request's credentials to a principal: Bearer token, API key, session cookie, or guest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from core.security.principal import Principal, RequestContext
from supergraph.auth.api_keys import ApiKeyResolver
from supergraph.auth.errors import AuthenticationError
from supergraph.auth.tokens import AccessTokenVerifier

SESSION_COOKIE: Final = "althaus_session"
REFRESH_COOKIE: Final = "althaus_refresh"
API_KEY_HEADER: Final = "x-api-key"

Via = Literal["bearer", "api_key", "cookie", "none"]


@dataclass(frozen=True, slots=True)
class Authentication:
    principal: Principal
    via: Via


GUEST: Final = Authentication(Principal.guest(), "none")


class Authenticator:
    """Credentials are tried in this order: `Authorization` (Bearer or ApiKey), `X-Api-Key`,
    then the session cookie. Credentials that are present but not valid are refused (401),
    never downgraded to a guest."""

    def __init__(self, tokens: AccessTokenVerifier, api_keys: ApiKeyResolver) -> None:
        self.tokens = tokens
        self.api_keys = api_keys

    async def authenticate(
        self,
        headers: Mapping[str, str],
        cookies: Mapping[str, str],
        context: RequestContext,
    ) -> Authentication:
        authorization = headers.get("authorization")
        if authorization:
            scheme, _, value = authorization.strip().partition(" ")
            value = value.strip()
            lowered = scheme.lower()
            if lowered == "bearer" and value:
                return Authentication(await self.tokens.verify(value), "bearer")
            if lowered == "apikey" and value:
                return Authentication(await self.api_keys.resolve(value, context), "api_key")
            raise AuthenticationError(
                "Authorization header must be 'Bearer <access token>' or 'ApiKey <key>'",
                code="INVALID_AUTHORIZATION_HEADER",
            )
        api_key = headers.get(API_KEY_HEADER)
        if api_key is not None:
            return Authentication(await self.api_keys.resolve(api_key.strip(), context), "api_key")
        session = cookies.get(SESSION_COOKIE)
        if session:
            return Authentication(await self.tokens.verify(session), "cookie")
        return GUEST

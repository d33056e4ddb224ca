"""Authentication failures: each a 401 with a stable code and a `WWW-Authenticate` challenge."""

from __future__ import annotations


class AuthenticationError(Exception):
    """The credentials sent are not valid; the request is refused rather than served as a guest."""

    code = "UNAUTHENTICATED"
    scheme = "Bearer"

    def __init__(self, message: str, *, code: str | None = None, scheme: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if scheme is not None:
            self.scheme = scheme

    @property
    def challenge(self) -> str:
        if self.scheme == "Bearer":
            # RFC 6750: error="invalid_token" with a description the client can show.
            safe = self.message.replace('"', "'")
            return f'Bearer realm="althaus", error="invalid_token", error_description="{safe}"'
        return f'{self.scheme} realm="althaus"'


class InvalidTokenError(AuthenticationError):
    code = "INVALID_TOKEN"


class TokenExpiredError(AuthenticationError):
    code = "TOKEN_EXPIRED"


class InvalidApiKeyError(AuthenticationError):
    code = "INVALID_API_KEY"
    scheme = "ApiKey"


class AuthServiceUnavailableError(AuthenticationError):
    """The users subgraph (JWKS or API key resolution) could not be reached."""

    code = "AUTH_SERVICE_UNAVAILABLE"

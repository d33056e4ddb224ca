"""Who is making a request: the principal passed from the gateway to every subgraph."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.security.roles import scopes_for_role


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Facts about the client request, carried to subgraphs for logs and audit rows."""

    request_id: str = ""
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user, an API key, or a guest.

    `sub` is the user id (or `apikey:<id>` for API keys); `scopes` are every scope held,
    role scopes included; `issued_at` is when a user's access token was issued (Unix seconds,
    its `iat`), so that a revoked token can be told from one issued after the revocation.
    """

    sub: str | None = None
    role: str = "guest"
    email: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    kind: str = "guest"  # "user" | "api_key" | "guest"
    issued_at: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.sub is not None

    @classmethod
    def guest(cls) -> Principal:
        return cls()

    @classmethod
    def user(
        cls,
        sub: str,
        role: str,
        email: str | None,
        extra_scopes: frozenset[str] = frozenset(),
        *,
        issued_at: int | None = None,
    ) -> Principal:
        return cls(
            sub=sub,
            role=role,
            email=email,
            scopes=scopes_for_role(role) | extra_scopes,
            kind="user",
            issued_at=issued_at,
        )

    def has_scopes(self, any_of: list[list[str]] | tuple[tuple[str, ...], ...]) -> bool:
        """True when every scope of at least one inner list is held (OR of AND-lists)."""
        return any(all(s in self.scopes for s in group) for group in any_of)

"""A test client calling a subgraph app the way the gateway does: with a signed internal token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.types import ASGIApp

from core.security import internal_token
from core.security.principal import Principal, RequestContext


@dataclass
class Account:
    """A user row created for a test, with the password it was created with."""

    id: str
    email: str
    username: str
    password: str
    role: str

    @property
    def principal(self) -> Principal:
        return Principal.user(self.id, self.role, self.email)


GUEST = Principal.guest()


class SubgraphClient:
    def __init__(self, app: ASGIApp, name: str, secret: str) -> None:
        self.name = name
        self.secret = secret
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{name}"
        )

    def headers(
        self,
        principal: Principal | Account | None = None,
        *,
        ip: str = "203.0.113.7",
        user_agent: str = "pytest",
        request_id: str | None = None,
    ) -> dict[str, str]:
        who = principal.principal if isinstance(principal, Account) else (principal or GUEST)
        context = RequestContext(request_id or uuid.uuid4().hex, ip, user_agent)
        return internal_token.headers_for(who, self.name, self.secret, context)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
        )

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        as_: Principal | Account | None = None,
        **context: Any,
    ) -> dict[str, Any]:
        """The GraphQL response body of a request made as `as_` (a guest by default)."""
        response = await self.post(query, variables, headers=self.headers(as_, **context))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]

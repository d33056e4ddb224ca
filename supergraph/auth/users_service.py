"""The gateway's client for the users subgraph's non-GraphQL endpoints (JWKS, API key resolution).

Rarely called (answers are cached), so an httpx client is enough; it reaches the subgraph over
HTTP, or in-process through its ASGI app in `althaus dev`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx
import orjson

from supergraph.auth.errors import AuthServiceUnavailableError


class UsersService:
    """`base_url`: the users subgraph's origin, or a callable giving it (it changes on swap)."""

    def __init__(
        self,
        base_url: str | Callable[[], str | None],
        *,
        app: Any | None = None,
        timeout: float = 5.0,
    ) -> None:
        self._base_url = base_url
        transport = httpx.ASGITransport(app=app) if app is not None else None
        self._client = httpx.AsyncClient(transport=transport, timeout=timeout)

    def url(self, path: str) -> str:
        base = self._base_url() if callable(self._base_url) else self._base_url
        if not base:
            raise AuthServiceUnavailableError(
                "the supergraph has no 'users' subgraph to verify credentials with"
            )
        return base.rstrip("/") + path

    async def get_json(self, path: str) -> tuple[int, Any]:
        return await self._request("GET", path, None, {})

    async def post_json(
        self, path: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> tuple[int, Any]:
        return await self._request("POST", path, orjson.dumps(body), headers)

    async def _request(
        self, method: str, path: str, content: bytes | None, headers: Mapping[str, str]
    ) -> tuple[int, Any]:
        url = self.url(path)
        all_headers = {"accept": "application/json", **headers}
        if content is not None:
            all_headers["content-type"] = "application/json"
        try:
            response = await self._client.request(method, url, content=content, headers=all_headers)
        except httpx.HTTPError as exc:
            raise AuthServiceUnavailableError(
                f"users subgraph unreachable at {url}: {exc.__class__.__name__}"
            ) from exc
        try:
            return response.status_code, orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise AuthServiceUnavailableError(
                f"users subgraph answered HTTP {response.status_code} without JSON at {url}"
            ) from None

    async def close(self) -> None:
        await self._client.aclose()


def origin_of(graphql_url: str) -> str:
    """`http://host:4001/graphql` -> `http://host:4001` (endpoints live beside /graphql)."""
    trimmed = graphql_url.rstrip("/")
    return trimmed[: -len("/graphql")] if trimmed.endswith("/graphql") else trimmed

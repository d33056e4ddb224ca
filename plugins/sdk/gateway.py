"""The plugin's way back into the API: GraphQL queries through the gateway, as the plugin.

The platform gives a plugin's process the gateway's URL and an API key scoped to the
capabilities the plugin was granted; the gateway decides what that key may read. Resolvers get
the Gateway with `info.context.gateway()`, hooks and tasks as `context.gateway`:

    result = await info.context.gateway().query("{ me { id } }")
    result["data"], result.get("errors")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

API_KEY_HEADER = "X-Api-Key"
TIMEOUT_SECONDS = 10.0


class GatewayUnavailable(Exception):
    """The gateway cannot be called: this process has no URL or key for it, it cannot be
    reached, or it did not answer with JSON."""

    code = "PLUGIN_GATEWAY_UNAVAILABLE"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.extensions = {"code": self.code}  # the GraphQL error a resolver lets through shows it


class Gateway:
    """Sends GraphQL documents to the gateway with the plugin's API key (never shown in its repr,
    its errors or logs). One HTTP connection pool per process, opened on the first query."""

    def __init__(
        self,
        url: str,
        key: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._key = key
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"Gateway(url={self.url!r})"

    @property
    def configured(self) -> bool:
        """Whether this process was given both the gateway's URL and a key."""
        return bool(self.url and self._key)

    async def query(
        self, document: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The gateway's whole GraphQL response, `{"data": ..., "errors": [...]}` (a refused
        field is in `errors`, not raised); GatewayUnavailable when it cannot be asked."""
        if not self.configured:
            raise GatewayUnavailable("this plugin's process has no gateway URL and key")
        try:
            response = await self._http().post(
                self.url,
                json={"query": document, "variables": dict(variables or {})},
                headers={API_KEY_HEADER: self._key, "Apollo-Require-Preflight": "true"},
            )
        except httpx.HTTPError as exc:
            # `from None`: the request (and its key header) stays out of any traceback.
            raise GatewayUnavailable(f"cannot reach the gateway: {type(exc).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            raise GatewayUnavailable(
                f"the gateway answered {response.status_code} without JSON"
            ) from None
        if not isinstance(body, dict):
            raise GatewayUnavailable(f"the gateway answered {response.status_code}, not an object")
        return body

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # trust_env off: no proxy from the environment ever sees the key.
            self._client = httpx.AsyncClient(
                timeout=self._timeout, transport=self._transport, trust_env=False
            )
        return self._client


def gateway_for(url: str, key: str) -> Gateway | None:
    """A Gateway when both are given, else None (the plugin may not call the API back)."""
    return Gateway(url, key) if url and key else None

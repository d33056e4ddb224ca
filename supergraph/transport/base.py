"""The transport interface the executor uses to send one GraphQL request to one subgraph."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class TransportError(Exception):
    """The subgraph could not be reached, or answered with a non-2xx status or a non-JSON body."""

    code = "SUBREQUEST_HTTP_ERROR"

    def __init__(self, service: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.service = service
        self.status = status


class TransportTimeout(TransportError):
    """The subgraph did not answer within its timeout."""

    code = "GATEWAY_TIMEOUT"


class SubgraphTransport(Protocol):
    """Sends a JSON request body to one subgraph and returns the raw response body.

    Implementations pool connections, apply the per-subgraph timeout, and raise TransportError
    (or TransportTimeout) rather than anything else.
    """

    name: str

    async def send(self, body: bytes, headers: Mapping[str, str]) -> bytes: ...

    async def close(self) -> None: ...

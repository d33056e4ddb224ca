"""The transport interface the executor uses to send one GraphQL request to one subgraph.

Besides the JSON `send` every transport has, two optional capabilities: `send_multipart` (a
GraphQL multipart request carrying file uploads) and `request` (any HTTP request to a path
beside the subgraph's GraphQL endpoint, for plugin HTTP routes). Callers check for them with
`isinstance(transport, MultipartTransport)` / `isinstance(transport, RequestTransport)`, so a
transport written before them keeps working for plain GraphQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol, runtime_checkable


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


class FilePart(NamedTuple):
    """One file of a multipart request: its form field name, file name, media type and bytes."""

    field: str
    filename: str
    content_type: str
    content: bytes


class RawResponse(NamedTuple):
    """An HTTP answer as received: status, headers (lower-case names, in order), body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class SubgraphTransport(Protocol):
    """Sends a JSON request body to one subgraph and returns the raw response body.

    Implementations pool connections, apply the per-subgraph timeout, and raise TransportError
    (or TransportTimeout) rather than anything else.
    """

    name: str

    async def send(self, body: bytes, headers: Mapping[str, str]) -> bytes: ...

    async def close(self) -> None: ...


@runtime_checkable
class MultipartTransport(SubgraphTransport, Protocol):
    """A transport that can send a GraphQL multipart request (file uploads)."""

    async def send_multipart(
        self,
        operations: bytes,
        map: bytes,
        files: Sequence[FilePart],
        headers: Mapping[str, str],
    ) -> bytes:
        """POST `operations` (JSON, nulls where files go), `map` (JSON) and the files as
        `multipart/form-data` to the GraphQL endpoint; same answer and errors as `send`."""
        ...


@runtime_checkable
class RequestTransport(SubgraphTransport, Protocol):
    """A transport that can send any HTTP request to a path beside the GraphQL endpoint."""

    async def request(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> RawResponse:
        """`path` is relative to the subgraph's root (its GraphQL URL without the final path
        segment, normally `/graphql`) and must start with `/`; `query` is the raw query string
        (no `?`). Any status is returned, not raised; TransportError/TransportTimeout only
        when no answer arrived."""
        ...

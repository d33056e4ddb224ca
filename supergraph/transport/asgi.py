"""In-process transport: calls a subgraph's ASGI app directly, with the same errors as HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any
from urllib.parse import unquote

from supergraph.transport.base import FilePart, RawResponse, TransportError, TransportTimeout
from supergraph.transport.multipart import encode_upload_form

Message = MutableMapping[str, Any]
AsgiApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[Message]],
        Callable[[Message], Awaitable[None]],
    ],
    Awaitable[None],
]

_BASE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"host", b"subgraph"),
    (b"content-type", b"application/json"),
    (b"accept", b"application/graphql-response+json, application/json"),
)
_ACCEPT = (b"accept", b"application/graphql-response+json, application/json")


class AsgiTransport:
    """Sends one GraphQL request through an ASGI app's HTTP request/response cycle, in-process."""

    def __init__(
        self, name: str, app: AsgiApp, timeout: float = 30.0, path: str = "/graphql"
    ) -> None:
        self.name = name
        self.app = app
        self.timeout = timeout
        self.path = path
        self._raw_path = path.encode("latin-1")
        # Where `request` paths start: the GraphQL path without its final segment.
        self._root = path.rstrip("/").rpartition("/")[0]

    async def send(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        raw_headers = list(_BASE_HEADERS)
        raw_headers.append((b"content-length", str(len(body)).encode("latin-1")))
        for key, value in headers.items():
            raw_headers.append((key.lower().encode("latin-1"), value.encode("latin-1")))
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": self.path,
            "raw_path": self._raw_path,
            "query_string": b"",
            "root_path": "",
            "headers": raw_headers,
            "client": ("127.0.0.1", 0),
            "server": ("subgraph", 80),
            "state": {},
        }
        cycle = _Cycle(body)
        try:
            async with asyncio.timeout(self.timeout):
                await self.app(scope, cycle.receive, cycle.send)
        except TimeoutError as exc:
            raise TransportTimeout(
                self.name, f"subgraph '{self.name}' did not answer within {self.timeout:g}s"
            ) from exc
        except Exception as exc:
            raise TransportError(
                self.name, f"subgraph '{self.name}' failed: {exc.__class__.__name__}", status=500
            ) from exc
        finally:
            cycle.finish()
        status = cycle.status
        if status is None:
            raise TransportError(self.name, f"subgraph '{self.name}' sent no response")
        if not 200 <= status < 300:
            raise TransportError(
                self.name, f"subgraph '{self.name}' answered HTTP {status}", status=status
            )
        return b"".join(cycle.chunks)

    async def send_multipart(
        self,
        operations: bytes,
        map: bytes,
        files: Sequence[FilePart],
        headers: Mapping[str, str],
    ) -> bytes:
        """A GraphQL multipart request (file uploads) through the app's GraphQL path."""
        content_type, body = await encode_upload_form(operations, map, files)
        raw_headers = [
            (b"host", b"subgraph"),
            (b"content-type", content_type.encode("latin-1")),
            _ACCEPT,
            (b"content-length", str(len(body)).encode("latin-1")),
        ]
        for key, value in headers.items():
            if key.lower() != "content-type":
                raw_headers.append((key.lower().encode("latin-1"), value.encode("latin-1")))
        cycle = _Cycle(body)
        await self._call(self._scope("POST", self.path, self._raw_path, b"", raw_headers), cycle)
        return self._ok(cycle)

    async def request(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> RawResponse:
        """Any request to `path` relative to the app's root (the GraphQL path's parent)."""
        if not path.startswith("/"):
            raise ValueError(f"path {path!r} must start with '/'")
        full = self._root + path
        raw_headers = [(b"host", b"subgraph")]
        if body:
            raw_headers.append((b"content-length", str(len(body)).encode("latin-1")))
        for key, value in headers.items():
            raw_headers.append((key.lower().encode("latin-1"), value.encode("latin-1")))
        cycle = _RouteCycle(body)
        # The path arrives percent-encoded, as on the wire: `path` decoded, `raw_path` as is.
        scope = self._scope(
            method.upper(),
            unquote(full),
            full.encode("latin-1"),
            query.encode("latin-1"),
            raw_headers,
        )
        await self._call(scope, cycle)
        if cycle.status is None:
            raise TransportError(self.name, f"subgraph '{self.name}' sent no response")
        return RawResponse(cycle.status, cycle.response_headers(), b"".join(cycle.chunks))

    def _scope(
        self,
        method: str,
        path: str,
        raw_path: bytes,
        query_string: bytes,
        headers: list[tuple[bytes, bytes]],
    ) -> dict[str, Any]:
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": raw_path,
            "query_string": query_string,
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 0),
            "server": ("subgraph", 80),
            "state": {},
        }

    async def _call(self, scope: dict[str, Any], cycle: _Cycle) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                await self.app(scope, cycle.receive, cycle.send)
        except TimeoutError as exc:
            raise TransportTimeout(
                self.name, f"subgraph '{self.name}' did not answer within {self.timeout:g}s"
            ) from exc
        except Exception as exc:
            raise TransportError(
                self.name, f"subgraph '{self.name}' failed: {exc.__class__.__name__}", status=500
            ) from exc
        finally:
            cycle.finish()

    def _ok(self, cycle: _Cycle) -> bytes:
        status = cycle.status
        if status is None:
            raise TransportError(self.name, f"subgraph '{self.name}' sent no response")
        if not 200 <= status < 300:
            raise TransportError(
                self.name, f"subgraph '{self.name}' answered HTTP {status}", status=status
            )
        return b"".join(cycle.chunks)

    async def close(self) -> None:
        return None


class _Cycle:
    """The receive/send pair of one ASGI HTTP request."""

    __slots__ = ("_body", "_done", "chunks", "status")

    def __init__(self, body: bytes) -> None:
        self._body: bytes | None = body
        self._done: asyncio.Event | None = None
        self.status: int | None = None
        self.chunks: list[bytes] = []

    async def receive(self) -> Message:
        body = self._body
        if body is not None:
            self._body = None
            return {"type": "http.request", "body": body, "more_body": False}
        # After the body, the client "disconnects" only once the response is complete.
        if self._done is None:
            self._done = asyncio.Event()
        await self._done.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = int(message["status"])
        elif kind == "http.response.body":
            chunk = message.get("body", b"")
            if chunk:
                self.chunks.append(chunk)
            if not message.get("more_body", False) and self._done is not None:
                self._done.set()

    def finish(self) -> None:
        if self._done is not None:
            self._done.set()


class _RouteCycle(_Cycle):
    """A cycle that also keeps the response headers (for `request`, which relays them)."""

    __slots__ = ("headers",)

    def __init__(self, body: bytes) -> None:
        super().__init__(body)
        self.headers: Any = ()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.headers = message.get("headers", ())
        await super().send(message)

    def response_headers(self) -> tuple[tuple[str, str], ...]:
        return tuple(
            (bytes(key).decode("latin-1").lower(), bytes(value).decode("latin-1"))
            for key, value in self.headers
        )

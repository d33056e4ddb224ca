"""HTTP transport: one pooled keep-alive aiohttp session per subgraph, TCP or Unix socket."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from yarl import URL

from supergraph.transport.base import FilePart, RawResponse, TransportError, TransportTimeout
from supergraph.transport.multipart import upload_form

_BASE_HEADERS: Mapping[str, str] = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json, application/json",
}


def split_unix_url(url: str) -> tuple[str, str]:
    """`unix:///run/x.sock` -> (socket path, "/graphql"); `unix:///run/x.sock:/api` -> (.., "/api").

    The HTTP path defaults to `/graphql`; it follows the socket path after a colon.
    """
    rest = url[len("unix://") :]
    if not rest.startswith("/"):
        raise ValueError(f"unix socket URL {url!r} must name an absolute socket path")
    socket_path, sep, http_path = rest.partition(":")
    if not sep:
        http_path = "/graphql"
    elif not http_path.startswith("/"):
        raise ValueError(f"unix socket URL {url!r}: the HTTP path after ':' must start with '/'")
    return socket_path, http_path


def root_of(path: str) -> str:
    """The subgraph's root beside its GraphQL path: `/graphql` -> ``, `/a/graphql` -> `/a`.

    The final path segment (normally `graphql`) is dropped; routes like `/http/...` live there.
    """
    return path.rstrip("/").rpartition("/")[0]


class HttpTransport:
    """POSTs GraphQL request bodies to one subgraph over HTTP (or HTTP over a Unix socket)."""

    def __init__(self, name: str, url: str, timeout: float = 30.0, *, limit: int = 256) -> None:
        self.name = name
        self.url = url
        self.timeout = timeout
        self._limit = limit
        self._socket_path: str | None = None
        if url.startswith("unix://"):
            self._socket_path, http_path = split_unix_url(url)
            self._request_url = "http://localhost" + http_path
            self._root_url = "http://localhost" + root_of(http_path)
        else:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https"):
                raise ValueError(
                    f"subgraph {name!r}: URL {url!r} is not http://, https:// or unix://"
                )
            self._request_url = url
            self._root_url = urlunsplit((parts.scheme, parts.netloc, root_of(parts.path), "", ""))
        self._client_timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        # Shares the session's connections, without its GraphQL default headers (`request`).
        self._plain: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _open(self) -> aiohttp.ClientSession:
        # Created lazily so the session binds the running loop, not the one at construction time.
        connector: aiohttp.BaseConnector
        if self._socket_path is not None:
            connector = aiohttp.UnixConnector(path=self._socket_path, limit=self._limit)
        else:
            connector = aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300)
        self._loop = asyncio.get_running_loop()
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._client_timeout,
            skip_auto_headers=("User-Agent",),
            headers=_BASE_HEADERS,
        )
        self._plain = None
        return self._session

    def _current(self) -> aiohttp.ClientSession:
        session = self._session
        if session is None or session.closed or self._loop is not asyncio.get_running_loop():
            session = self._open()
        return session

    async def send(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        session = self._session
        if session is None or session.closed or self._loop is not asyncio.get_running_loop():
            session = self._open()  # first use, or a new event loop (a session belongs to one)
        try:
            # No redirects: the signed internal token must never follow one to another host.
            async with session.post(
                self._request_url, data=body, headers=headers, allow_redirects=False
            ) as response:
                payload = await response.read()
                status = response.status
        except TimeoutError as exc:
            raise TransportTimeout(
                self.name, f"subgraph '{self.name}' did not answer within {self.timeout:g}s"
            ) from exc
        except aiohttp.ClientError as exc:
            raise TransportError(
                self.name, f"subgraph '{self.name}' could not be reached: {exc.__class__.__name__}"
            ) from exc
        except OSError as exc:
            raise TransportError(
                self.name, f"subgraph '{self.name}' could not be reached: {exc.strerror or exc}"
            ) from exc
        if not 200 <= status < 300:
            raise TransportError(
                self.name, f"subgraph '{self.name}' answered HTTP {status}", status=status
            )
        return payload

    async def send_multipart(
        self,
        operations: bytes,
        map: bytes,
        files: Sequence[FilePart],
        headers: Mapping[str, str],
    ) -> bytes:
        """A GraphQL multipart request (file uploads) to the same endpoint as `send`."""
        session = self._current()
        form = upload_form(operations, map, files)()
        # The session's default Content-Type is JSON: name the form's, with its boundary.
        all_headers = {**headers, "content-type": form.content_type}
        try:
            async with session.post(
                self._request_url, data=form, headers=all_headers, allow_redirects=False
            ) as response:
                payload = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise self._failure(exc) from exc
        if not 200 <= status < 300:
            raise TransportError(
                self.name, f"subgraph '{self.name}' answered HTTP {status}", status=status
            )
        return payload

    async def request(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> RawResponse:
        """Any request to `path` under the subgraph's root; every status is returned."""
        if not path.startswith("/"):
            raise ValueError(f"path {path!r} must start with '/'")
        session = self._current()
        plain = self._plain
        if plain is None or plain.closed:
            plain = self._plain = aiohttp.ClientSession(
                connector=session.connector,
                connector_owner=False,
                timeout=self._client_timeout,
                skip_auto_headers=("User-Agent", "Content-Type"),
            )
        target = self._root_url + path + (f"?{query}" if query else "")
        try:
            # `encoded=True`: the caller quoted the path and query; send them byte for byte.
            async with plain.request(
                method,
                URL(target, encoded=True),
                data=body if body else None,
                headers=headers,
                allow_redirects=False,
            ) as response:
                payload = await response.read()
                raw_headers = tuple(
                    (key.decode("latin-1").lower(), value.decode("latin-1"))
                    for key, value in response.raw_headers
                )
                return RawResponse(response.status, raw_headers, payload)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise self._failure(exc) from exc

    def _failure(self, exc: BaseException) -> TransportError:
        if isinstance(exc, TimeoutError):
            return TransportTimeout(
                self.name, f"subgraph '{self.name}' did not answer within {self.timeout:g}s"
            )
        if isinstance(exc, aiohttp.ClientError):
            return TransportError(
                self.name, f"subgraph '{self.name}' could not be reached: {exc.__class__.__name__}"
            )
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return TransportError(self.name, f"subgraph '{self.name}' could not be reached: {reason}")

    async def close(self) -> None:
        plain, self._plain = self._plain, None
        session, self._session = self._session, None
        if self._loop is not asyncio.get_running_loop():
            return
        if plain is not None:
            await plain.close()
        if session is not None:
            await session.close()

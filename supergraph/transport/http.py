"""HTTP transport: one pooled keep-alive aiohttp session per subgraph, TCP or Unix socket."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import urlsplit

import aiohttp

from supergraph.transport.base import TransportError, TransportTimeout

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
        else:
            scheme = urlsplit(url).scheme
            if scheme not in ("http", "https"):
                raise ValueError(
                    f"subgraph {name!r}: URL {url!r} is not http://, https:// or unix://"
                )
            self._request_url = url
        self._client_timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
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
        return self._session

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

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None and self._loop is asyncio.get_running_loop():
            await session.close()

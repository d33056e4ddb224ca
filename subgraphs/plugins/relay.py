"""The plugin relay: `/plugins/<name>/<path>` on the plugins subgraph, forwarded to the plugin.

A plugin's process listens on a Unix socket on the machine of the plugins subgraph that runs it.
Gateways on other machines reach it here, over HTTP: `althaus serve plugins` stores each active
plugin's subgraph URL as `<plugins subgraph>/plugins/<name>/graphql`, and the gateway's plugin
HTTP routes (`/api/plugins/<name>/<path>`) become `<plugins subgraph>/plugins/<name>/http/<path>`.

The request goes on as it came (method, path, query string, body, every header but the
hop-by-hop ones and Host) over one pooled keep-alive client per plugin socket, and the answer
comes back the same way. The relay does not authenticate: the plugin's process verifies the
X-Internal-Token for its own audience (`plugin_<name>`, signed with a key derived for it alone),
exactly as when a gateway calls its socket directly, so a request the gateway did not sign is
refused by the plugin, whoever relays it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote

import aiohttp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from yarl import URL

BODY_MAX_BYTES = 20 * 1024 * 1024
"""The largest request body relayed (a plugin's GraphQL upload at the gateway's own limit)."""

TIMEOUT_SECONDS = 30.0
"""How long a plugin has to answer one request (the gateway's subgraph timeout)."""

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
"""Headers of one connection (RFC 9110 7.6.1), never relayed; nor are those `Connection` names."""

_NAME = re.compile(r"^[a-z][a-z0-9_]{2,40}$")

SocketOf = Callable[[str], Path | None]
"""The socket of a plugin this host serves, or None when it serves no plugin of that name."""


def relay_url(base_url: str, name: str) -> str:
    """The URL a gateway reaches plugin `name`'s GraphQL at, through the relay at `base_url`."""
    return f"{base_url.rstrip('/')}/plugins/{name}/graphql"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _kept(headers: Iterable[tuple[str, str]], also_dropped: Iterable[str]) -> list[tuple[str, str]]:
    """The end-to-end headers: hop-by-hop ones, those the Connection header names and
    `also_dropped` left out."""
    pairs = list(headers)
    dropped = set(HOP_BY_HOP) | set(also_dropped)
    for key, value in pairs:
        if key.lower() == "connection":
            dropped.update(token.strip().lower() for token in value.split(",") if token.strip())
    return [(key, value) for key, value in pairs if key.lower() not in dropped]


class BodyTooLarge(Exception):
    """The request body is over the relay's limit."""


class PluginRelay:
    """`handle` is the Starlette endpoint of `/plugins/{name}/{path:path}`; one pooled client
    per plugin socket, closed by `forget` when the plugin's process stops."""

    def __init__(
        self,
        socket_of: SocketOf,
        *,
        body_max_bytes: int = BODY_MAX_BYTES,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.socket_of = socket_of
        self.body_max_bytes = body_max_bytes
        self.timeout = timeout
        self._sessions: dict[str, tuple[Path, aiohttp.ClientSession]] = {}

    async def handle(self, request: Request) -> Response:
        name = request.path_params["name"]
        socket = self.socket_of(name) if _NAME.match(name) else None
        if socket is None:
            return _error(
                404, "PLUGIN_NOT_SERVED", f"plugin {name!r} is not served by this plugins subgraph"
            )
        path = _upstream_path(request, name)
        if path != "/graphql" and not path.startswith("/http/"):
            return _error(
                404,
                "PLUGIN_ROUTE_NOT_FOUND",
                "the relay forwards a plugin's /graphql and /http/... only",
            )
        try:
            body = await self._body(request)
        except BodyTooLarge:
            return _error(
                413,
                "PAYLOAD_TOO_LARGE",
                f"the request body is larger than {self.body_max_bytes // 2**20} MiB",
            )
        query = request.scope.get("query_string", b"").decode("latin-1")
        target = "http://plugin" + path + (f"?{query}" if query else "")
        headers = _kept(request.headers.items(), ("host", "content-length"))
        session = await self._session(name, socket)
        try:
            # No redirects: they are the plugin's answer to relay, not the relay's to follow.
            async with session.request(
                request.method,
                URL(target, encoded=True),
                data=body or None,
                headers=headers,
                allow_redirects=False,
            ) as answer:
                payload = await answer.read()
                status = answer.status
                raw = [
                    (key.decode("latin-1"), value.decode("latin-1"))
                    for key, value in answer.raw_headers
                ]
        except TimeoutError:
            return _error(
                504, "PLUGIN_TIMEOUT", f"plugin {name!r} did not answer within {self.timeout:g} s"
            )
        except (aiohttp.ClientError, OSError) as exc:
            return _error(
                502,
                "PLUGIN_UNREACHABLE",
                f"plugin {name!r} could not be reached: {type(exc).__name__}",
            )
        response = Response(payload, status_code=status)
        # Starlette set Content-Length for the body; every other header is the plugin's own.
        response.raw_headers = [
            *(pair for pair in response.raw_headers if pair[0] == b"content-length"),
            *(
                (key.lower().encode("latin-1"), value.encode("latin-1"))
                for key, value in _kept(raw, ("content-length",))
            ),
        ]
        return response

    async def _body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.body_max_bytes:
            raise BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.body_max_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    async def _session(self, name: str, socket: Path) -> aiohttp.ClientSession:
        found = self._sessions.get(name)
        if found is not None and found[0] == socket and not found[1].closed:
            return found[1]
        session = aiohttp.ClientSession(
            connector=aiohttp.UnixConnector(path=str(socket)),
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            # Relayed as they are: nothing added, nothing decompressed on the way.
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
            auto_decompress=False,
        )
        self._sessions[name] = (socket, session)
        if found is not None:  # another socket now, or a closed client
            with contextlib.suppress(Exception):
                await found[1].close()
        return session

    async def forget(self, name: str) -> None:
        """Close the client of a plugin whose process stopped."""
        found = self._sessions.pop(name, None)
        if found is not None:
            with contextlib.suppress(Exception):
                await found[1].close()

    async def close(self) -> None:
        for name in list(self._sessions):
            await self.forget(name)


def _upstream_path(request: Request, name: str) -> str:
    """The plugin's path as the client sent it (still percent-encoded), after the prefix."""
    prefix = f"/plugins/{name}/"
    raw = request.scope.get("raw_path")
    if isinstance(raw, bytes):
        # Mounted (`althaus dev`), the raw path still starts with the mount's root path.
        root = request.scope.get("root_path", "")
        text = raw.decode("latin-1")
        if text.startswith(root):
            text = text[len(root) :]
        if text.startswith(prefix):
            return "/" + text[len(prefix) :]
    return "/" + quote(request.path_params["path"], safe="/:@!$&'()*+,;=-._~")

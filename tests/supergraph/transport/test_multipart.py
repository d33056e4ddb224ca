"""send_multipart: a GraphQL multipart request (file uploads) to a real Strawberry subgraph, over
HTTP (TCP and Unix socket) and in-process ASGI, answering and failing like `send`."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import pytest

from core.security import internal_token
from core.security.principal import Principal
from supergraph.transport import AsgiTransport, HttpTransport, TransportError
from supergraph.transport.base import FilePart, MultipartTransport, SubgraphTransport
from tests.fixtures.federation.serve import serve_http
from tests.supergraph.http.edge_fixture import SECRET
from tests.supergraph.http.upload_fixture import Seen, files_app
from tests.supergraph.transport.unix_server import serve_unix

OPERATIONS = orjson.dumps(
    {
        "query": "mutation($f: Upload!, $fs: [Upload!]!) "
        "{ upload(file: $f) { filename contentType size sha256 } uploadMany(files: $fs) { size } }",
        "variables": {"f": None, "fs": [None, None]},
    }
)
MAP = orjson.dumps({"0": ["variables.f", "variables.fs.0"], "1": ["variables.fs.1"]})
CONTENT = "naïve résumé ".encode() * 1000
FILES = [
    FilePart("0", 'cv "final".txt', "text/plain; charset=utf-8", CONTENT),
    FilePart("1", "empty.bin", "application/octet-stream", b""),
]


def signed() -> dict[str, str]:
    return internal_token.headers_for(Principal.guest(), "files", SECRET)


@asynccontextmanager
async def transport(kind: str, seen: Seen) -> AsyncIterator[SubgraphTransport]:
    app = files_app(seen)
    if kind == "asgi":
        yield AsgiTransport("files", app)
        return
    if kind == "tcp":
        async with serve_http({}, extra_apps={"files": app}) as urls:
            http = HttpTransport("files", urls["files"])
            yield http
            await http.close()
        return
    async with serve_unix(app, "files") as socket_path:
        http = HttpTransport("files", f"unix://{socket_path}")
        yield http
        await http.close()


@pytest.mark.parametrize("kind", ["tcp", "unix", "asgi"])
async def test_files_reach_the_subgraph_with_operations_and_map(kind: str) -> None:
    seen = Seen()
    async with transport(kind, seen) as subgraph:
        assert isinstance(subgraph, MultipartTransport)
        raw = await subgraph.send_multipart(OPERATIONS, MAP, FILES, signed())
    assert orjson.loads(raw) == {
        "data": {
            "upload": {
                "filename": 'cv "final".txt',
                "contentType": "text/plain; charset=utf-8",
                "size": len(CONTENT),
                "sha256": hashlib.sha256(CONTENT).hexdigest(),
            },
            "uploadMany": [{"size": len(CONTENT)}, {"size": 0}],
        }
    }
    assert seen.content_types[0].startswith("multipart/form-data; boundary=")
    assert seen.claims[0].principal.kind == "guest"


@pytest.mark.parametrize("kind", ["tcp", "asgi"])
async def test_a_refusing_subgraph_raises_transport_error_with_status(kind: str) -> None:
    seen = Seen()
    async with transport(kind, seen) as subgraph:
        assert isinstance(subgraph, MultipartTransport)
        with pytest.raises(TransportError) as caught:
            await subgraph.send_multipart(OPERATIONS, MAP, FILES, {})  # no internal token
    assert caught.value.status == 401
    assert seen.refused


async def test_an_unreachable_subgraph_raises_transport_error() -> None:
    subgraph = HttpTransport("files", "unix:///nonexistent/files.sock")
    with pytest.raises(TransportError) as caught:
        await subgraph.send_multipart(OPERATIONS, MAP, FILES, signed())
    await subgraph.close()
    assert caught.value.code == "SUBREQUEST_HTTP_ERROR"

"""File uploads: GraphQL multipart requests through the gateway to real subgraphs, over HTTP and
in-process ASGI, each fetch holding files sent on as a multipart request of its own."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson
import pytest

from supergraph.transport.asgi import AsgiTransport
from tests.supergraph.http.stack import PREFLIGHT
from tests.supergraph.http.upload_stack import UploadStack, upload_stack

UPLOAD = "mutation Up($file: Upload!) { upload(file: $file) { filename contentType size sha256 } }"
PHOTO = bytes(range(256)) * 400  # 100 KiB, every byte value


@pytest.fixture(scope="module", params=["http", "asgi"])
async def uploads(request: pytest.FixtureRequest) -> AsyncIterator[UploadStack]:
    async with upload_stack(request.param) as stack:
        yield stack


@pytest.fixture
def stack(uploads: UploadStack) -> UploadStack:
    uploads.clear()
    return uploads


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def form(operations: Any, mapping: Any) -> dict[str, str]:
    return {"operations": orjson.dumps(operations).decode(), "map": orjson.dumps(mapping).decode()}


async def test_one_file_reaches_the_subgraph_intact(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form({"query": UPLOAD, "variables": {"file": None}}, {"0": ["variables.file"]}),
            files={"0": ("photo.bin", PHOTO, "image/png")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {
            "upload": {
                "filename": "photo.bin",
                "contentType": "image/png",
                "size": len(PHOTO),
                "sha256": sha(PHOTO),
            }
        }
    }
    assert stack.seen["files"].content_types[0].startswith("multipart/form-data; boundary=")


async def test_a_list_of_files_reaches_the_subgraph_in_order(stack: UploadStack) -> None:
    first, second = b"first file\n", b"\x00second\xff" * 1000
    query = "mutation($files: [Upload!]!) { uploadMany(files: $files) { filename size sha256 } }"
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form(
                {"query": query, "variables": {"files": [None, None]}},
                {"a": ["variables.files.0"], "b": ["variables.files.1"]},
            ),
            files={"a": ("one.txt", first, "text/plain"), "b": ("two.bin", second, "x/y")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["uploadMany"] == [
        {"filename": "one.txt", "size": len(first), "sha256": sha(first)},
        {"filename": "two.bin", "size": len(second), "sha256": sha(second)},
    ]


async def test_a_file_inside_an_input_object_is_placed_there(stack: UploadStack) -> None:
    query = "mutation($a: Attachment!) { attach(attachment: $a) }"
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form(
                {"query": query, "variables": {"a": {"label": "cv", "file": None}}},
                {"0": ["variables.a.file"]},
            ),
            files={"0": ("cv.pdf", b"%PDF-1.7", "application/pdf")},
            headers=PREFLIGHT,
        )
    assert response.json() == {"data": {"attach": "cv:8"}}


async def test_a_file_used_by_two_subgraphs_is_sent_to_each(stack: UploadStack) -> None:
    query = (
        "mutation($file: Upload!) { upload(file: $file) { sha256 } "
        "archive(file: $file) { name bytes digest } }"
    )
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form({"query": query, "variables": {"file": None}}, {"0": ["variables.file"]}),
            files={"0": ("both.txt", b"shared bytes", "text/plain")},
            headers=PREFLIGHT,
        )
    assert response.json() == {
        "data": {
            "upload": {"sha256": sha(b"shared bytes")},
            "archive": {"name": "both.txt", "bytes": 12, "digest": sha(b"shared bytes")},
        }
    }
    assert stack.seen["archive"].content_types[0].startswith("multipart/form-data")


async def test_a_multipart_mutation_without_files_is_sent_as_json(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form({"query": "mutation { archive(file: null) { bytes } }"}, {}),
            files={"unused": ("u.txt", b"u", "text/plain")},
            headers=PREFLIGHT,
        )
    # Validation refuses the null for Upload!: the point is the request parsed as GraphQL.
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_missing_map_is_a_bad_request(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data={"operations": orjson.dumps({"query": UPLOAD}).decode()},
            files={"0": ("a.txt", b"a", "text/plain")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "'map'" in error["message"]
    assert stack.seen["files"].claims == []


async def test_missing_operations_is_a_bad_request(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data={"map": '{"0": ["variables.file"]}'},
            files={"0": ("a.txt", b"a", "text/plain")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "'operations'" in error["message"]


@pytest.mark.parametrize(
    ("mapping", "files", "fragment"),
    [
        ({"0": ["variables.file"]}, {}, "no such file"),
        ({"0": ["query"]}, {"0": ("a", b"a", "text/plain")}, "into the variables"),
        ({"0": ["variables.nope.deeper"]}, {"0": ("a", b"a", "text/plain")}, "does not exist"),
        ({"0": "variables.file"}, {"0": ("a", b"a", "text/plain")}, "list of path strings"),
        ([], {}, "must be a JSON object"),
    ],
)
async def test_a_map_that_does_not_fit_is_a_bad_request(
    stack: UploadStack, mapping: Any, files: dict[str, Any], fragment: str
) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form({"query": UPLOAD, "variables": {"file": None}}, mapping),
            files=files or {"other": ("o", b"o", "text/plain")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert fragment in error["message"]


async def test_batched_operations_are_refused(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form([{"query": UPLOAD}], {"0": ["0.variables.file"]}),
            files={"0": ("a.txt", b"a", "text/plain")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 400
    assert "Batched" in response.json()["errors"][0]["message"]


async def test_a_request_over_the_byte_limit_is_refused_with_413(stack: UploadStack) -> None:
    app = stack.app(upload_max_bytes=64 * 1024)
    async with stack.client(app) as client:
        response = await client.post(
            "/graphql",
            data=form({"query": UPLOAD, "variables": {"file": None}}, {"0": ["variables.file"]}),
            files={"0": ("big.bin", PHOTO, "application/octet-stream")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert str(64 * 1024) in error["message"]
    assert stack.seen["files"].claims == []


async def test_a_streamed_body_over_the_limit_is_cut_off_with_413(stack: UploadStack) -> None:
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        + orjson.dumps({"query": UPLOAD, "variables": {"file": None}}).decode()
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
        + '{"0": ["variables.file"]}'
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="0"; '
        + 'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        yield head
        for _ in range(40):
            yield b"x" * 4096
        yield f"\r\n--{boundary}--\r\n".encode()

    app = stack.app(upload_max_bytes=64 * 1024)
    async with stack.client(app) as client:
        response = await client.post(
            "/graphql",
            content=chunks(),
            headers={**PREFLIGHT, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_more_files_than_allowed_are_refused(stack: UploadStack) -> None:
    app = stack.app(upload_max_files=2)
    files = {str(i): (f"{i}.txt", b"x", "text/plain") for i in range(3)}
    query = "mutation($files: [Upload!]!) { uploadMany(files: $files) { size } }"
    async with stack.client(app) as client:
        response = await client.post(
            "/graphql",
            data=form(
                {"query": query, "variables": {"files": [None] * 3}},
                {str(i): [f"variables.files.{i}"] for i in range(3)},
            ),
            files=files,
            headers=PREFLIGHT,
        )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "files" in error["message"].lower()


async def test_an_upload_without_a_preflight_header_is_refused_as_csrf(
    stack: UploadStack,
) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form({"query": UPLOAD, "variables": {"file": None}}, {"0": ["variables.file"]}),
            files={"0": ("a.txt", b"a", "text/plain")},
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"
    assert stack.seen["files"].claims == []


async def test_files_in_a_query_are_refused(stack: UploadStack) -> None:
    query = "query($file: Upload) { peek(file: $file) }"
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form({"query": query, "variables": {"file": None}}, {"0": ["variables.file"]}),
            files={"0": ("a.txt", b"abc", "text/plain")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "only in mutations" in error["message"]
    assert stack.seen["files"].claims == []


async def test_a_file_where_a_string_belongs_fails_coercion(stack: UploadStack) -> None:
    query = "mutation($t: String!) { logout(refreshToken: $t) }"
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form({"query": query, "variables": {"t": None}}, {"0": ["variables.t"]}),
            files={"0": ("a.txt", b"abc" * 1000, "text/plain")},
            headers=PREFLIGHT,
        )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "abcabc" not in error["message"]  # the file's bytes never end up in a message


async def test_one_file_mapped_to_two_places_fills_both(stack: UploadStack) -> None:
    query = "mutation($files: [Upload!]!) { uploadMany(files: $files) { filename size } }"
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            data=form(
                {"query": query, "variables": {"files": [None, None]}},
                {"0": ["variables.files.0", "variables.files.1"]},
            ),
            files={"0": ("twice.txt", b"twice", "text/plain")},
            headers=PREFLIGHT,
        )
    assert response.json()["data"]["uploadMany"] == [
        {"filename": "twice.txt", "size": 5},
        {"filename": "twice.txt", "size": 5},
    ]


class JsonOnly:
    """A transport from before uploads: `send` and `close` only (delegating to a real one)."""

    def __init__(self, inner: AsgiTransport) -> None:
        self.name = inner.name
        self.inner = inner

    async def send(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        return await self.inner.send(body, headers)

    async def close(self) -> None:
        await self.inner.close()


async def test_a_transport_that_cannot_send_files_gives_a_coded_error(stack: UploadStack) -> None:
    json_only = JsonOnly(AsgiTransport("files", stack.apps["files"]))
    async with stack.gateway_with({"files": json_only}) as gateway:
        async with stack.client(stack.app(gateway)) as client:
            response = await client.post(
                "/graphql",
                data=form(
                    {"query": UPLOAD, "variables": {"file": None}}, {"0": ["variables.file"]}
                ),
                files={"0": ("a.txt", b"a", "text/plain")},
                headers=PREFLIGHT,
            )
            pong = await client.post("/graphql", json={"query": "{ ping }"})
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {
        "code": "SUBREQUEST_HTTP_ERROR",
        "service": "files",
    }
    assert "cannot send files" in body["errors"][0]["message"]
    assert pong.json() == {"data": {"ping": "pong"}}  # plain GraphQL still goes through it

"""Plugin HTTP routes: `/api/plugins/<name>/<path>` forwarded to the plugin's process with the
caller's principal in a signed token, over HTTP and in-process ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

import pytest

from supergraph.transport.asgi import AsgiTransport
from tests.fixtures.federation.serve import free_port
from tests.supergraph.http.stack import PREFLIGHT
from tests.supergraph.http.upload_fixture import PLUGIN
from tests.supergraph.http.upload_stack import UploadStack, upload_stack


@pytest.fixture(scope="module", params=["http", "asgi"])
async def plugins(request: pytest.FixtureRequest) -> AsyncIterator[UploadStack]:
    async with upload_stack(request.param) as stack:
        yield stack


@pytest.fixture
def stack(plugins: UploadStack) -> UploadStack:
    plugins.clear()
    return plugins


def seen_routes(stack: UploadStack) -> list[dict[str, object]]:
    return stack.seen[PLUGIN].routes


async def test_the_signed_in_principal_reaches_the_plugin(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.get(
            "/api/plugins/xyz/hello",
            headers={**stack.bearer("u-ada"), "User-Agent": "tester/1", "X-Request-Id": "rid-7"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["sub"] == "u-ada"
    route = seen_routes(stack)[0]
    assert route["sub"] == "u-ada"
    assert route["role"] == "admin"
    assert route["user_agent"] == "tester/1"
    assert route["request_id"] == "rid-7"
    assert response.headers["x-request-id"] == "rid-7"


async def test_client_credentials_never_reach_the_plugin(stack: UploadStack) -> None:
    async with stack.client(cookies={"theme": "dark"}) as client:
        await client.get("/api/plugins/xyz/hello", headers=stack.bearer())
    headers = seen_routes(stack)[0]["headers"]
    assert isinstance(headers, dict)
    assert "authorization" not in headers
    assert "cookie" not in headers
    assert "x-api-key" not in headers
    assert "x-internal-token" in headers


async def test_a_guest_reaches_the_plugin_without_a_subject(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.get("/api/plugins/xyz/public")
    assert response.status_code == 200
    assert response.json()["sub"] is None
    assert seen_routes(stack)[0]["role"] == "guest"


async def test_query_string_and_body_pass_through(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/api/plugins/xyz/hooks/stripe?event=paid&n=2&q=a%20b",
            content=b'{"amount": 12}',
            headers={**stack.bearer(), "Content-Type": "application/json"},
        )
    assert response.status_code == 201
    assert response.json() == {
        "method": "POST",
        "path": "hooks/stripe",
        "query": {"event": "paid", "n": "2", "q": "a b"},
        "body": '{"amount": 12}',
        "sub": "u-ada",
    }
    route = seen_routes(stack)[0]
    assert route["query"] == "event=paid&n=2&q=a%20b"
    headers = route["headers"]
    assert isinstance(headers, dict)
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_every_method_is_forwarded(stack: UploadStack, method: str) -> None:
    async with stack.client() as client:
        response = await client.request(
            method, "/api/plugins/xyz/items/3", content=b"{}", headers={"Content-Type": "text/json"}
        )
    assert response.status_code == 200, response.text
    assert response.json()["method"] == method


async def test_a_quoted_path_stays_quoted(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.get("/api/plugins/xyz/files/a%20b.txt")
    assert response.json()["path"] == "files/a b.txt"
    assert seen_routes(stack)[0]["raw_path"].endswith("/http/files/a%20b.txt")


async def test_status_content_type_and_chosen_headers_are_relayed(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.get("/api/plugins/xyz/status/418")
    assert response.status_code == 418
    assert response.text == "teapot here"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["location"] == "/api/plugins/xyz/elsewhere"
    assert response.headers["cache-control"] == "max-age=60"
    assert response.headers["retry-after"] == "7"
    assert "set-cookie" not in response.headers
    assert "x-plugin-internal" not in response.headers


@pytest.mark.parametrize("name", ["nope", "x", "UPPER", "xyz!", "ab", "a" * 50])
async def test_an_unknown_plugin_is_not_found(stack: UploadStack, name: str) -> None:
    async with stack.client() as client:
        response = await client.get(f"/api/plugins/{name}/hello")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "PLUGIN_NOT_FOUND"
    assert seen_routes(stack) == []


async def test_a_core_subgraph_is_not_a_plugin(stack: UploadStack) -> None:
    # "files" is in the supergraph, but "plugin_files" is not: no route to a core subgraph.
    async with stack.client() as client:
        response = await client.get("/api/plugins/files/graphql")
    assert response.status_code == 404


async def test_dot_segments_cannot_climb_out_of_the_http_tree(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.get("/api/plugins/xyz/..%2Fgraphql")
    assert response.status_code == 400
    assert seen_routes(stack) == []


async def test_a_body_over_the_limit_is_refused_with_413(stack: UploadStack) -> None:
    app = stack.app(plugin_body_max_bytes=1000)
    async with stack.client(app) as client:
        response = await client.post(
            "/api/plugins/xyz/hooks", content=b"x" * 1001, headers={"Content-Type": "text/plain"}
        )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert seen_routes(stack) == []


async def test_the_default_body_limit_is_one_mebibyte(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.post(
            "/api/plugins/xyz/hooks",
            content=b"x" * (1024 * 1024 + 1),
            headers={"Content-Type": "application/octet-stream"},
        )
    assert response.status_code == 413


async def test_a_cookie_session_form_post_needs_a_preflight_header(stack: UploadStack) -> None:
    token = stack.identity.access_token(stack.identity.accounts["u-ada"])
    async with stack.client(cookies={"althaus_session": token}) as client:
        refused = await client.post("/api/plugins/xyz/form", data={"a": "1"})
        allowed = await client.post("/api/plugins/xyz/form", data={"a": "1"}, headers=PREFLIGHT)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "CSRF_PREVENTION"
    assert allowed.status_code == 201
    assert allowed.json()["sub"] == "u-ada"
    assert len(seen_routes(stack)) == 1


async def test_a_form_post_without_credentials_is_allowed(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.post("/api/plugins/xyz/contact", data={"email": "a@b.c"})
    assert response.status_code == 201
    assert response.json()["body"] == "email=a%40b.c"
    assert response.json()["sub"] is None


async def test_invalid_credentials_are_refused_before_the_plugin(stack: UploadStack) -> None:
    async with stack.client() as client:
        response = await client.get(
            "/api/plugins/xyz/hello", headers={"Authorization": "Bearer not-a-token"}
        )
    assert response.status_code == 401
    assert response.headers["www-authenticate"]
    assert "code" in response.json()["error"]
    assert seen_routes(stack) == []


async def test_a_plugin_that_is_down_is_a_502(stack: UploadStack) -> None:
    if stack.kind == "http":
        dead = f"http://127.0.0.1:{free_port()}/{PLUGIN}/graphql"
        context = stack.gateway_with(**{PLUGIN: dead})
    else:

        async def crashing(scope: object, receive: object, send: object) -> None:
            raise RuntimeError("plugin process died")

        context = stack.gateway_with({PLUGIN: AsgiTransport(PLUGIN, crashing)})
    async with context as gateway:
        app = stack.app(gateway)
        async with stack.client(app) as client:
            response = await client.get("/api/plugins/xyz/hello")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "SUBREQUEST_HTTP_ERROR"


async def test_a_plugin_that_is_too_slow_is_a_504(stack: UploadStack) -> None:
    slow = AsgiTransport(PLUGIN, stack.apps[PLUGIN], timeout=0.2)
    async with stack.gateway_with({PLUGIN: slow}) as gateway:
        app = stack.app(gateway)
        async with stack.client(app) as client:
            response = await client.get("/api/plugins/xyz/slow")
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "GATEWAY_TIMEOUT"


class GraphQLOnly:
    """A transport from before plugin routes: `send` and `close` only (delegating)."""

    def __init__(self, inner: AsgiTransport) -> None:
        self.name = inner.name
        self.inner = inner

    async def send(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        return await self.inner.send(body, headers)

    async def close(self) -> None:
        await self.inner.close()


async def test_a_transport_without_http_routes_is_a_502(stack: UploadStack) -> None:
    graphql_only = GraphQLOnly(AsgiTransport(PLUGIN, stack.apps[PLUGIN]))
    async with stack.gateway_with({PLUGIN: graphql_only}) as gateway:
        async with stack.client(stack.app(gateway)) as client:
            response = await client.get("/api/plugins/xyz/hello")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "SUBREQUEST_HTTP_ERROR"

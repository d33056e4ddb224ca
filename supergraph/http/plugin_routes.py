"""Plugin HTTP routes: `/api/plugins/<name>/<path>` forwarded to the plugin's process.

The gateway authenticates the caller as for `/graphql`, signs an X-Internal-Token for
`plugin_<name>` carrying the principal, and sends the request to `/http/<path>` beside the
plugin subgraph's GraphQL endpoint, through the current snapshot's transport for it. The
client's credentials (Authorization, Cookie, X-Api-Key) never reach the plugin.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from core.logging import bind_principal
from core.security import internal_token
from supergraph.auth.authenticator import API_KEY_HEADER, SESSION_COOKIE
from supergraph.auth.errors import AuthenticationError
from supergraph.http import csrf
from supergraph.http.context import Edge, auth_failure, edge_of, request_context
from supergraph.http.errors import RequestError
from supergraph.transport.base import RequestTransport, TransportError, TransportTimeout

PLUGIN_NAME: Final = re.compile(r"[a-z][a-z0-9_]{2,40}")
ROUTE_PREFIX: Final = "/http"
METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")
NOT_FOUND: Final = "PLUGIN_NOT_FOUND"

# Request headers passed on besides the gateway's own (internal token, request id, user copies).
FORWARDED_REQUEST_HEADERS: Final = ("content-type", "accept")
# Response headers relayed to the client; everything else (hop-by-hop headers, Set-Cookie, ...)
# stays behind: a plugin must not set cookies on the gateway's origin.
RELAYED_RESPONSE_HEADERS: Final = frozenset(
    {
        "content-type",
        "location",
        "cache-control",
        "retry-after",
        "content-disposition",
        "etag",
        "last-modified",
    }
)
# RFC 3986 path characters left as they are when the decoded path is quoted again.
_PATH_SAFE: Final = "/!$&'()*+,;=:@-._~"


def plugin_error(error: RequestError) -> Response:
    """`{"error": {"code", "message"}}`, the shape of the platform's non-GraphQL endpoints."""
    body = orjson.dumps({"error": {"code": error.code, "message": error.message}})
    return Response(
        body,
        status_code=error.status,
        media_type="application/json",
        headers=error.headers or None,
    )


def has_credentials(request: Request) -> bool:
    """Whether the request carries anything the gateway would authenticate."""
    headers = request.headers
    return (
        "authorization" in headers or API_KEY_HEADER in headers or SESSION_COOKIE in request.cookies
    )


async def plugin_route_endpoint(request: Request) -> Response:
    edge = edge_of(request)
    state = request.scope.setdefault("state", {})
    name = request.path_params["name"]
    try:
        service, transport = _plugin(edge, name)
        path = _forwarded_path(request.path_params["path"])
        method = request.method
        # A request without credentials has no ambient authority to abuse: a public form may
        # post to a plugin cross-site. With any, the rule of /graphql applies.
        if method not in ("GET", "HEAD") and has_credentials(request):
            csrf.check(method, request.headers)
        context = request_context(request)
        try:
            authentication = await edge.authenticator.authenticate(
                request.headers, request.cookies, context
            )
        except AuthenticationError as exc:
            raise auth_failure(exc) from None
        principal = authentication.principal
        state["principal_kind"] = principal.kind
        bind_principal(state, principal.sub)
        body = await _body(request, edge.plugin_body_max_bytes)
        headers = internal_token.headers_for(
            principal, service, edge.runner.internal_secret, context
        )
        for header in FORWARDED_REQUEST_HEADERS:
            value = request.headers.get(header)
            if value is not None:
                headers[header] = value
        query = request.scope.get("query_string", b"").decode("latin-1")
        try:
            answer = await transport.request(method, path, query, headers, body)
        except TransportTimeout:
            raise RequestError(
                504, "GATEWAY_TIMEOUT", f"plugin '{name}' did not answer in time"
            ) from None
        except TransportError:
            raise RequestError(
                502, "SUBREQUEST_HTTP_ERROR", f"plugin '{name}' could not be reached"
            ) from None
    except RequestError as exc:
        return plugin_error(exc)
    relayed = [
        (key.encode("latin-1"), value.encode("latin-1"))
        for key, value in answer.headers
        if key in RELAYED_RESPONSE_HEADERS
    ]
    response = Response(answer.body, status_code=answer.status)
    response.raw_headers.extend(relayed)
    return response


def _plugin(edge: Edge, name: str) -> tuple[str, RequestTransport]:
    missing = RequestError(404, NOT_FOUND, f"no active plugin named '{name}'")
    if not PLUGIN_NAME.fullmatch(name):
        raise missing
    snapshot = edge.runner.snapshot()
    service = f"{internal_token.PLUGIN_AUDIENCE_PREFIX}{name}"
    if service not in snapshot.supergraph.subgraphs:
        raise missing
    transport = snapshot.transports.get(service)
    if transport is None:
        raise missing
    if not isinstance(transport, RequestTransport):
        raise RequestError(
            502, "SUBREQUEST_HTTP_ERROR", f"plugin '{name}' is not reachable for HTTP routes"
        )
    return service, transport


def _forwarded_path(path: str) -> str:
    """`/http/<path>`, quoted again; `.` and `..` segments are refused so that a route can never
    climb out of the plugin's `/http` tree (to its `/graphql`, say)."""
    if any(segment in (".", "..") for segment in path.split("/")):
        raise RequestError(400, "BAD_REQUEST", "path segments '.' and '..' are not allowed")
    return f"{ROUTE_PREFIX}/{quote(path, safe=_PATH_SAFE)}"


async def _body(request: Request, limit: int) -> bytes:
    too_large = RequestError(
        413, "PAYLOAD_TOO_LARGE", f"request body is larger than {limit} bytes (the limit)"
    )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    seen = 0
    try:
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > limit:
                raise too_large
            chunks.append(chunk)
    except ClientDisconnect:
        raise RequestError(400, "BAD_REQUEST", "the client went away mid-request") from None
    return b"".join(chunks)

"""The GraphQL-over-HTTP endpoint: GET for queries, POST with JSON, media types and status codes."""

from __future__ import annotations

import logging
import uuid

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import Response

from core.logging import bind_principal
from supergraph.auth.errors import AuthenticationError
from supergraph.http import csrf
from supergraph.http.context import Edge, auth_failure, edge_of, request_context
from supergraph.http.errors import JSON, RequestError, error_response, json_response
from supergraph.http.graphiql import graphiql_page
from supergraph.http.negotiation import prefers_html, response_media_type
from supergraph.http.operation import internal_error_body
from supergraph.http.params import GraphQLParams, from_json_body, from_query_string
from supergraph.http.uploads import MULTIPART, read_multipart

log = logging.getLogger("althaus.gateway")


async def graphql_endpoint(request: Request) -> Response:
    edge = edge_of(request)
    method = request.method
    accept = request.headers.get("accept")
    if (
        method == "GET"
        and edge.settings.graphiql
        and "query" not in request.query_params
        and prefers_html(accept)
    ):
        return graphiql_page(edge.graphiql_dir)
    media = response_media_type(accept)
    if media is None:
        return error_response(
            RequestError(
                406,
                "NOT_ACCEPTABLE",
                "Accept must allow application/graphql-response+json or application/json",
            )
        )
    if method not in ("GET", "POST"):
        return error_response(
            RequestError(
                405,
                "METHOD_NOT_ALLOWED",
                f"{method} is not supported; use GET for queries or POST",
                headers={"Allow": "GET, POST"},
            ),
            media,
        )
    state = request.scope.setdefault("state", {})
    try:
        try:
            csrf.check(method, request.headers)
        except RequestError:
            if method == "GET":
                _refuse_non_query(request)
            raise
        params = await _params(request, method, edge)
        state["operation_name"] = params.operation_name
        context = request_context(request)
        try:
            authentication = await edge.authenticator.authenticate(
                request.headers, request.cookies, context
            )
        except AuthenticationError as exc:
            raise auth_failure(exc) from None
        state["principal_kind"] = authentication.principal.kind
        bind_principal(state, authentication.principal.sub)
        result = await edge.runner.run(
            params.query,
            params.variables,
            params.operation_name,
            authentication.principal,
            context,
            media_type=media,
            allow_mutation=method == "POST",
            uploads=params.uploads,
        )
        if result.operation_name is not None:
            state["operation_name"] = result.operation_name
    except RequestError as exc:
        return error_response(exc, media)
    except Exception:
        error_id = uuid.uuid4().hex
        log.exception("graphql request failed", extra={"context": {"error_id": error_id}})
        # Never a 500 with a stack trace: a GraphQL error the client can quote (errorId).
        return json_response(internal_error_body(error_id), 200, media_type=media)
    return json_response(result.body, result.status, media_type=media)


def _refuse_non_query(request: Request) -> None:
    """A mutation (or subscription) over GET is 405 whoever sends it: it runs nothing, so it is
    safe to say so before CSRF prevention, as GraphQL over HTTP asks. Only a request CSRF refuses
    comes here, so the extra parse is off the path of the requests that are served."""
    try:
        params = from_query_string(request.query_params)
        document = parse(params.query, no_location=True)
    except (RequestError, GraphQLError):
        return  # not a readable operation: CSRF prevention answers
    operation = get_operation_ast(document, params.operation_name)
    if operation is not None and operation.operation is not OperationType.QUERY:
        raise RequestError(
            405,
            "METHOD_NOT_ALLOWED",
            f"A {operation.operation.value} cannot be sent with GET; use POST",
            headers={"Allow": "POST"},
        )


async def _params(request: Request, method: str, edge: Edge) -> GraphQLParams:
    if method == "GET":
        return from_query_string(request.query_params)
    media = csrf.media_type(request.headers.get("content-type"))
    if media == JSON:
        return from_json_body(await request.body())
    if media == MULTIPART:
        return await read_multipart(request, edge.upload_limits)
    raise RequestError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        f"Content-Type {media or '(none)'} is not supported; send application/json "
        "(or multipart/form-data for file uploads)",
    )

"""One GraphQL operation through the gateway: validate, coerce, authorize, plan, execute.

Both the GraphQL endpoint and the session endpoints (which run `login` and `refreshToken`) go
through here, so they share the same snapshot, authorization and internal-token path.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast
from graphql.execution.values import get_variable_values

from core.security import internal_token
from core.security.principal import Principal, RequestContext
from supergraph.gateway import Gateway, GatewaySnapshot
from supergraph.http.errors import GRAPHQL_RESPONSE, RequestError

log = logging.getLogger("althaus.gateway")


@dataclass(frozen=True, slots=True)
class OperationResult:
    body: dict[str, Any]
    status: int = 200
    operation_name: str | None = None  # as named in the document, for logs


def _format(error: GraphQLError, code: str) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    formatted["extensions"] = {"code": code}
    return formatted


def principal_key(principal: Principal) -> str:
    """Identity for sharing identical in-flight fetches: only requests that would carry the
    same signed principal may share an answer."""
    scopes = " ".join(sorted(principal.scopes))
    return f"{principal.kind}|{principal.sub or ''}|{principal.role}|{scopes}"


class OperationRunner:
    def __init__(self, gateway: Gateway, internal_secret: str) -> None:
        self.gateway = gateway
        self.internal_secret = internal_secret

    def snapshot(self) -> GatewaySnapshot:
        snapshot = self.gateway.snapshot
        if snapshot is None:
            raise RequestError(
                503,
                "SUPERGRAPH_NOT_LOADED",
                "The gateway has no supergraph loaded yet; retry shortly",
                headers={"Retry-After": "1"},
            )
        return snapshot

    async def run(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        principal: Principal,
        context: RequestContext,
        *,
        media_type: str,
        allow_mutation: bool = True,
        uploads: bool = False,
    ) -> OperationResult:
        """`uploads`: the variables hold uploaded files, which only a mutation may take."""
        snapshot = self.snapshot()
        prepared = snapshot.prepare(query)
        if prepared.syntax_errors:
            return OperationResult(
                {"errors": [_format(e, "GRAPHQL_PARSE_FAILED") for e in prepared.syntax_errors]},
                400,
            )
        if prepared.validation_errors:
            # application/json keeps the legacy 200; the new media type says what went wrong.
            status = 400 if media_type == GRAPHQL_RESPONSE else 200
            errors = [_format(e, "GRAPHQL_VALIDATION_FAILED") for e in prepared.validation_errors]
            return OperationResult({"errors": errors}, status)
        document = prepared.document
        assert document is not None
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            if operation_name is not None:
                raise RequestError(
                    400,
                    "GRAPHQL_UNKNOWN_OPERATION_NAME",
                    f"Unknown operation named '{operation_name}' in the document",
                )
            raise RequestError(
                400,
                "GRAPHQL_OPERATION_NAME_REQUIRED",
                "The document holds several operations: say which to run with 'operationName'",
            )
        if operation.operation is not OperationType.QUERY and not allow_mutation:
            raise RequestError(
                405,
                "METHOD_NOT_ALLOWED",
                f"A {operation.operation.value} cannot be sent with GET; use POST",
                headers={"Allow": "POST"},
            )
        if uploads and operation.operation is not OperationType.MUTATION:
            raise RequestError(
                400,
                "BAD_REQUEST",
                f"File uploads are accepted only in mutations, not in a "
                f"{operation.operation.value}",
            )
        if operation.operation is OperationType.SUBSCRIPTION:
            raise RequestError(
                400,
                "SUBSCRIPTIONS_NOT_SUPPORTED",
                "Subscriptions are not supported over HTTP by this gateway",
            )
        coerced = get_variable_values(
            snapshot.api_schema, operation.variable_definitions or (), dict(variables or {}), 20
        )
        if isinstance(coerced, list):
            raise RequestError(
                400,
                "BAD_USER_INPUT",
                "; ".join(e.message for e in coerced),
            )
        denied = snapshot.denied(
            query, document, operation_name, principal.is_authenticated, principal.scopes
        )
        try:
            plan = snapshot.plan(query, document, operation_name, denied)
        except Exception as exc:
            code = getattr(exc, "code", None)
            if isinstance(code, str):
                # A planner error with a stable code is about the operation, not a crash.
                raise RequestError(400, code, str(exc)) from None
            raise
        signed: dict[str, Mapping[str, str]] = {}
        secret = self.internal_secret

        def headers_for(service: str) -> Mapping[str, str]:
            headers = signed.get(service)
            if headers is None:
                headers = internal_token.headers_for(principal, service, secret, context)
                signed[service] = headers
            return headers

        body = await snapshot.executor.execute(
            plan, coerced.coerced, headers_for, principal_key(principal), uploads=uploads
        )
        return OperationResult(body, 200, operation.name.value if operation.name else None)


def internal_error_body(error_id: str | None = None) -> dict[str, Any]:
    return {
        "data": None,
        "errors": [
            {
                "message": "Internal server error",
                "extensions": {
                    "code": "INTERNAL_SERVER_ERROR",
                    "errorId": error_id or uuid.uuid4().hex,
                },
            }
        ],
    }

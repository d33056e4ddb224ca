"""The GraphQL request parameters, read from a GET query string or a JSON POST body."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import orjson

from supergraph.http.errors import RequestError

MAX_BODY_BYTES: Final = 2 * 1024 * 1024
BAD_REQUEST: Final = "BAD_REQUEST"


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None
    uploads: bool = False  # the variables hold files (a multipart request)


def _bad(message: str, code: str = BAD_REQUEST) -> RequestError:
    return RequestError(400, code, message)


def from_mapping(raw: Mapping[str, Any], *, decode_json: bool) -> GraphQLParams:
    """`decode_json`: variables and extensions arrive as JSON text (GET) rather than values."""
    query = raw.get("query")
    if query is None or query == "":
        raise _bad("Missing 'query': send the GraphQL document as the 'query' parameter")
    if not isinstance(query, str):
        raise _bad("'query' must be a string holding a GraphQL document")
    variables = _object(raw.get("variables"), "variables", decode_json)
    extensions = _object(raw.get("extensions"), "extensions", decode_json)
    operation_name = raw.get("operationName")
    if operation_name == "":
        operation_name = None
    if operation_name is not None and not isinstance(operation_name, str):
        raise _bad("'operationName' must be a string or null")
    return GraphQLParams(query, variables, operation_name, extensions)


def _object(value: Any, name: str, decode_json: bool) -> dict[str, Any] | None:
    if decode_json and isinstance(value, str):
        if value == "":
            return None
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            raise _bad(f"'{name}' is not valid JSON") from None
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(f"'{name}' must be a JSON object (or null), got {_json_kind(value)}")
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def from_query_string(params: Mapping[str, str]) -> GraphQLParams:
    return from_mapping(params, decode_json=True)


def from_json_body(body: bytes) -> GraphQLParams:
    if len(body) > MAX_BODY_BYTES:
        raise RequestError(
            413, "PAYLOAD_TOO_LARGE", f"request body is larger than {MAX_BODY_BYTES} bytes"
        )
    if not body.strip():
        raise _bad("Empty request body: send a JSON object with a 'query' member")
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _bad(f"Request body is not valid JSON: {exc}", "INVALID_JSON") from None
    if isinstance(raw, list):
        raise _bad("Batched requests (a JSON array) are not supported; send one operation")
    if not isinstance(raw, dict):
        raise _bad("Request body must be a JSON object with a 'query' member")
    return from_mapping(raw, decode_json=False)

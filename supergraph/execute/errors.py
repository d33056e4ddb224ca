"""The errors the executor writes into a response: stable codes, client-facing messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from supergraph.transport.base import TransportError

UNAUTHORIZED_FIELD_OR_TYPE: Final = "UNAUTHORIZED_FIELD_OR_TYPE"
SUBREQUEST_HTTP_ERROR: Final = "SUBREQUEST_HTTP_ERROR"
GATEWAY_TIMEOUT: Final = "GATEWAY_TIMEOUT"
DOWNSTREAM_SERVICE_ERROR: Final = "DOWNSTREAM_SERVICE_ERROR"
INACCESSIBLE_ENUM_VALUE: Final = "INACCESSIBLE_ENUM_VALUE"
NON_NULL_VIOLATION: Final = "NON_NULL_VIOLATION"
INVALID_SUBGRAPH_RESPONSE: Final = "INVALID_SUBGRAPH_RESPONSE"
INTERNAL_SERVER_ERROR: Final = "INTERNAL_SERVER_ERROR"

MASKED_MESSAGE: Final = "Subgraph errors redacted"
UNAUTHORIZED_MESSAGE: Final = "Unauthorized field or type"

Path = list[str | int]
GraphQLError = dict[str, Any]


def transport_error(exc: TransportError) -> GraphQLError:
    """A subgraph that is down, slow or answered garbage: the fetch's fields stay null."""
    extensions: dict[str, Any] = {"code": exc.code, "service": exc.service}
    if exc.status is not None:
        extensions["status"] = exc.status
    return {"message": f"HTTP fetch failed from '{exc.service}': {exc}", "extensions": extensions}


def subgraph_error(
    error: object, service: str, path: Sequence[str | int] | None, *, mask: bool
) -> GraphQLError:
    """An error a subgraph reported, re-pathed to the client's path, masked when asked to."""
    extensions: dict[str, Any]
    if isinstance(error, dict):
        message = error.get("message")
        raw = error.get("extensions")
        extensions = dict(raw) if isinstance(raw, dict) else {}
    else:
        message, extensions = None, {}
    code = extensions.get("code")
    if not isinstance(code, str):
        code = DOWNSTREAM_SERVICE_ERROR
    if mask:
        # Codes are part of the public contract of a subgraph; messages and details may not be.
        result: GraphQLError = {
            "message": MASKED_MESSAGE,
            "extensions": {"code": code, "service": service},
        }
    else:
        extensions["code"] = code
        extensions["service"] = service
        result = {
            "message": message if isinstance(message, str) else "Subgraph error",
            "extensions": extensions,
        }
    if path is not None:
        result["path"] = list(path)
    return result


def unauthorized_error(path: Path) -> GraphQLError:
    return {
        "message": UNAUTHORIZED_MESSAGE,
        "path": list(path),
        "extensions": {"code": UNAUTHORIZED_FIELD_OR_TYPE},
    }


def enum_error(path: Path, value: object) -> GraphQLError:
    return {
        "message": f"Enum value {value!r} at '{_dotted(path)}' is not part of the API schema",
        "path": list(path),
        "extensions": {"code": INACCESSIBLE_ENUM_VALUE},
    }


def non_null_error(path: Path) -> GraphQLError:
    return {
        "message": f"Cannot return null for non-nullable field at '{_dotted(path)}'",
        "path": list(path),
        "extensions": {"code": NON_NULL_VIOLATION},
    }


def invalid_value_error(path: Path, expected: str) -> GraphQLError:
    return {
        "message": f"Subgraph data at '{_dotted(path)}' is not {expected}",
        "path": list(path),
        "extensions": {"code": INVALID_SUBGRAPH_RESPONSE},
    }


def internal_error(message: str) -> GraphQLError:
    return {"message": message, "extensions": {"code": INTERNAL_SERVER_ERROR}}


def _dotted(path: Path) -> str:
    return ".".join(str(part) for part in path)

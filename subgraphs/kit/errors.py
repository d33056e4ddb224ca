"""Errors a subgraph shows its clients: types with a stable code, and how they are formatted."""

from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any

from graphql import GraphQLError

logger = logging.getLogger("althaus.subgraphs")


class AlthausError(Exception):
    """An error the client may see: a message it can act on and a stable `code`."""

    code = "ALTHAUS_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


def client_error(exc: Exception) -> AlthausError:
    """An AlthausError carrying the stable `code` of a lower-level error (e.g. from core/)."""
    error = AlthausError(str(exc))
    error.code = getattr(exc, "code", "BAD_USER_INPUT")
    return error


class BadUserInputError(AlthausError):
    code = "BAD_USER_INPUT"


class NotFoundError(AlthausError):
    code = "NOT_FOUND"


class UnauthenticatedError(AlthausError):
    code = "UNAUTHENTICATED"


class ForbiddenError(AlthausError):
    code = "FORBIDDEN"


class UnauthorizedFieldError(AlthausError):
    """A field or type guarded by `@authenticated` / `@requiresScopes` the principal may not see."""

    code = "UNAUTHORIZED_FIELD_OR_TYPE"


class ConflictError(AlthausError):
    code = "CONFLICT"


def _code_of(error: GraphQLError) -> str:
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    return "GRAPHQL_VALIDATION_FAILED"


def format_error(error: GraphQLError, *, development: bool) -> dict[str, Any]:
    """The client's view of one error; unexpected errors are logged with an `errorId`."""
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path is not None:
        formatted["path"] = list(error.path)
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, AlthausError):
        formatted["extensions"] = {**original.extensions, "code": original.code}
        return formatted
    if original is None or isinstance(original, GraphQLError):
        formatted["extensions"] = {"code": _code_of(error)}
        return formatted
    error_id = uuid.uuid4().hex
    logger.error(
        "unexpected error in resolver",
        exc_info=original,
        extra={"context": {"errorId": error_id, "path": formatted.get("path")}},
    )
    extensions: dict[str, Any] = {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id}
    if development:
        formatted["message"] = f"{type(original).__name__}: {original}"
        extensions["stacktrace"] = traceback.format_exception(original)
    else:
        formatted["message"] = f"Internal server error (errorId {error_id})"
    formatted["extensions"] = extensions
    return formatted

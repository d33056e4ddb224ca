"""Structured JSON logs: one line per event with the request id and user id from contextvars.

Line shape: `{"timestamp", "level", "service", "message", "context": {"request_id", "user_id",
"duration_ms", ...}}`. Request middleware sets the request id with `bind_request(...)`, and
the user id once the principal is verified (`bind_principal`); callers add context with
`log.info("...", extra={"context": {"duration_ms": 12.5}})`.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import traceback
from collections.abc import Iterator, Mapping, MutableMapping
from datetime import UTC, datetime
from typing import IO, Any, Final

import orjson

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "althaus_request_id", default=None
)
user_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "althaus_user_id", default=None
)

_HANDLER_NAME = "althaus-json"


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        context: dict[str, Any] = {}
        request_id = request_id_var.get()
        if request_id:
            context["request_id"] = request_id
        user_id = user_id_var.get()
        if user_id:
            context["user_id"] = user_id
        extra = getattr(record, "context", None)
        if isinstance(extra, Mapping):
            context.update(extra)
        if record.name and record.name != "root":
            context.setdefault("logger", record.name)
        if record.exc_info:
            context["exception"] = "".join(traceback.format_exception(*record.exc_info)).strip()
        line = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "service": self.service,
            "message": record.getMessage(),
            "context": context,
        }
        return orjson.dumps(line, default=str).decode()


def configure_logging(service: str, level: str = "INFO", stream: IO[str] | None = None) -> None:
    """Send every log record of the process, as JSON lines, to `stream` (stderr by default).

    Calling it again replaces the handler (a process that hosts several services logs as the
    last `service` given, usually "althaus").
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter(service))
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's loggers keep their own handlers unless told to propagate to ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True


USER_ID_STATE: Final = "user_id"
"""Where, in an ASGI request's `scope["state"]`, the verified principal's id is kept for the
request's access line (written by the outermost middleware, after the handler has returned)."""


def bind_principal(state: MutableMapping[str, Any], user_id: str | None) -> None:
    """The request's principal, once verified (never a client-supplied header): its id is in
    the request's log lines from here on (until the enclosing `bind_request` block ends) and in
    its access line, through `state` (the ASGI scope's `state`)."""
    state[USER_ID_STATE] = user_id
    user_id_var.set(user_id)


@contextlib.contextmanager
def bind_request(request_id: str | None, user_id: str | None = None) -> Iterator[None]:
    """Within the block, every log line carries this request id and user id."""
    request_token = request_id_var.set(request_id)
    user_token = user_id_var.set(user_id)
    try:
        yield
    finally:
        user_id_var.reset(user_token)
        request_id_var.reset(request_token)

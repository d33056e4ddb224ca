"""The public contact form endpoint: `POST /messages` (and `GET /health`), as plugin HTTP routes.

The gateway serves them at `/api/plugins/contact/<path>`; the runner mounts them under `/http`
in the plugin's process, behind its internal-token check, so who calls (a guest or a signed-in
user), from which IP and with which user agent come from the verified token alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import asyncpg
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from plugins.sdk.http import plugin_request
from plugins.sdk.request import NoDatabaseError, PluginRequest

from . import store
from .errors import InvalidSubmissionError, RateLimitedError
from .settings import ContactSettings
from .submission import Submission, is_spam, parse_submission

MAX_BODY = 32 * 1024
MAX_FIELDS = 20
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"


class RequestRefused(Exception):
    """A request this endpoint answers with an error status and a coded body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(
    status: int,
    code: str,
    message: str,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, **(extra or {})}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


async def post_message(request: Request) -> JSONResponse:
    """Store one message from the contact form: 201, or 4xx with a coded error body."""
    context = plugin_request(request)
    settings = ContactSettings.from_mapping(context.settings)
    try:
        fields = await _fields(request)
        submission = parse_submission(fields)
        message_id = await _store(context, settings, submission, spam=is_spam(fields))
    except RequestRefused as refused:
        return error_response(refused.status, refused.code, refused.message)
    except InvalidSubmissionError as invalid:
        return error_response(422, invalid.code, invalid.message, {"fields": invalid.fields})
    except RateLimitedError as limited:
        return error_response(
            429,
            limited.code,
            limited.message,
            {"retry_after": limited.retry_after},
            {"Retry-After": str(limited.retry_after)},
        )
    body = {"id": str(message_id), "received": True, "message": settings.success_message}
    return JSONResponse(body, status_code=201)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


async def _store(
    context: PluginRequest, settings: ContactSettings, submission: Submission, *, spam: bool
) -> int:
    """Count the submission against its IP's limit and store it (a bot's is counted, then
    dropped); the id the sender is told."""
    sender = store.Sender(
        ip=context.context.ip,
        user_agent=context.context.user_agent,
        user_id=context.principal.sub,
    )
    try:
        async with context.database().acquire() as connection:
            async with connection.transaction():
                wait = await store.take_rate_limit(
                    connection, sender.ip, settings.rate_limit_per_hour
                )
                if wait is not None:
                    raise RateLimitedError(settings.rate_limit_per_hour, wait)
                if spam:
                    message_id = await store.unused_id(connection)
                else:
                    message_id = (await store.insert(connection, submission, sender)).id
            await store.forget_quiet_addresses(connection)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, NoDatabaseError, OSError):
        raise RequestRefused(
            503, "CONTACT_UNAVAILABLE", "the contact form cannot take messages right now"
        ) from None
    return message_id


async def _fields(request: Request) -> Mapping[str, Any]:
    """The submitted fields, from a JSON object or a form (URL-encoded or multipart)."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == MULTIPART_TYPE:
        return await _multipart(request)
    if media_type not in (JSON_TYPE, FORM_TYPE):
        raise RequestRefused(
            415,
            "CONTACT_UNSUPPORTED_MEDIA_TYPE",
            f"send the form as {JSON_TYPE}, {FORM_TYPE} or {MULTIPART_TYPE}",
        )
    body = await _body(request)
    try:
        if media_type == JSON_TYPE:
            fields = json.loads(body)
        else:
            fields = dict(
                parse_qsl(
                    body.decode("utf-8"),
                    keep_blank_values=True,
                    strict_parsing=False,
                    max_num_fields=MAX_FIELDS,
                )
            )
    except (ValueError, RecursionError):
        raise RequestRefused(
            400, "CONTACT_MALFORMED_REQUEST", f"the body is not valid {media_type}"
        ) from None
    if not isinstance(fields, dict):
        raise RequestRefused(
            400, "CONTACT_MALFORMED_REQUEST", "send an object of name, email, subject, message"
        )
    return fields


async def _body(request: Request) -> bytes:
    """The request's body, refused (413) past MAX_BODY without reading the rest of it."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise _too_large()
            chunks.append(chunk)
    except ClientDisconnect:
        raise RequestRefused(400, "CONTACT_MALFORMED_REQUEST", "the body was cut off") from None
    return b"".join(chunks)


async def _multipart(request: Request) -> Mapping[str, Any]:
    """A multipart form's text fields; files are refused, and the field limits bound its size."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large()
    try:
        form: FormData = await request.form(
            max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_BODY
        )
    except (MultiPartException, ClientDisconnect) as exc:
        raise RequestRefused(
            400, "CONTACT_MALFORMED_REQUEST", f"the form could not be read: {exc}"
        ) from None
    try:
        return {key: value for key, value in form.multi_items() if isinstance(value, str)}
    finally:
        await form.close()


def _too_large() -> RequestRefused:
    return RequestRefused(
        413, "CONTACT_TOO_LARGE", f"a contact form submission is at most {MAX_BODY} bytes"
    )


routes: list[BaseRoute] = [
    Route("/messages", post_message, methods=["POST"]),
    Route("/health", health, methods=["GET"]),
]

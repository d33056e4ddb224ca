"""GraphQL multipart requests (file uploads), read from `multipart/form-data` at the edge.

As the GraphQL multipart request specification lays out: an `operations` field (the JSON a
plain POST would carry, with `null` where each file goes), a `map` field (JSON: file field name
-> the places in `operations` that file fills, like `variables.file` or `variables.files.0`),
then the files. The files become `Upload` values in the variables; the request is bounded in
bytes and in files.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any, Final

import orjson
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request

from supergraph.execute.uploads import Upload
from supergraph.http.errors import RequestError
from supergraph.http.params import BAD_REQUEST, MAX_BODY_BYTES, GraphQLParams, from_mapping

MULTIPART: Final = "multipart/form-data"
UPLOAD_MAX_BYTES: Final = 20 * 1024 * 1024
UPLOAD_MAX_FILES: Final = 10
PAYLOAD_TOO_LARGE: Final = "PAYLOAD_TOO_LARGE"

_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\]')


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """`max_bytes`: the whole request body; `max_files`: file parts in one request."""

    max_bytes: int = UPLOAD_MAX_BYTES
    max_files: int = UPLOAD_MAX_FILES


class _TooLarge(Exception):
    pass


def _bad(message: str) -> RequestError:
    return RequestError(400, BAD_REQUEST, message)


def _too_large(limit: int) -> RequestError:
    return RequestError(
        413, PAYLOAD_TOO_LARGE, f"the upload request is larger than {limit} bytes (the limit)"
    )


async def _bounded(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit:
            raise _TooLarge
        yield chunk


async def read_multipart(request: Request, limits: UploadLimits) -> GraphQLParams:
    """The operation of a multipart request, its variables holding an `Upload` per file."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(limits.max_bytes)
    parser = MultiPartParser(
        request.headers,
        _bounded(request.stream(), limits.max_bytes),
        max_files=limits.max_files,
        max_fields=2,  # `operations` and `map`; anything else is a file or an error
        max_part_size=MAX_BODY_BYTES,
    )
    try:
        form = await parser.parse()
    except _TooLarge:
        raise _too_large(limits.max_bytes) from None
    except MultiPartException as exc:
        raise _bad(f"Invalid multipart request: {exc.message}") from None
    except ClientDisconnect:
        raise _bad("The client went away before the request body was complete") from None
    try:
        operations = _json_field(form.get("operations"), "operations")
        mapping = _json_field(form.get("map"), "map")
        if isinstance(operations, list):
            raise _bad("Batched operations (an 'operations' array) are not supported; send one")
        if not isinstance(operations, dict):
            raise _bad("'operations' must be a JSON object with a 'query' member")
        params = from_mapping(operations, decode_json=False)
        files = await _files(form, mapping)
    finally:
        await form.close()
    if not files:
        return params
    variables = params.variables
    for field_name, (upload, paths) in files.items():
        for path in paths:
            _place(variables, path, field_name, upload)
    return GraphQLParams(
        params.query, variables, params.operation_name, params.extensions, uploads=True
    )


def _json_field(value: Any, name: str) -> Any:
    if value is None:
        raise _bad(
            f"Missing '{name}' field: a multipart GraphQL request holds 'operations', 'map', "
            "then the files"
        )
    if not isinstance(value, str):
        raise _bad(f"'{name}' must be a plain form field holding JSON, not a file")
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise _bad(f"'{name}' is not valid JSON: {exc}") from None


async def _files(form: Any, mapping: Any) -> dict[str, tuple[Upload, list[str]]]:
    if not isinstance(mapping, dict):
        raise _bad("'map' must be a JSON object: file field name -> list of paths")
    files: dict[str, tuple[Upload, list[str]]] = {}
    for field_name, paths in mapping.items():
        if (
            not isinstance(paths, list)
            or not paths
            or not all(isinstance(path, str) for path in paths)
        ):
            raise _bad(f"'map' entry '{field_name}' must be a non-empty list of path strings")
        part = form.get(field_name)
        if part is None:
            raise _bad(f"'map' names the file '{field_name}', but the request holds no such file")
        if not isinstance(part, UploadFile):
            raise _bad(f"'{field_name}' must be a file part (with a filename)")
        content = await part.read()
        filename = _UNSAFE_FILENAME.sub("_", part.filename or field_name)
        upload = Upload(filename, part.content_type or "application/octet-stream", content)
        files[field_name] = (upload, paths)
    return files


def _place(variables: dict[str, Any] | None, path: str, field_name: str, upload: Upload) -> None:
    """Put `upload` where `path` (`variables.a.0.b`) points; only inside the variables."""
    head, _, rest = path.partition(".")
    if head != "variables" or not rest:
        raise _bad(
            f"'map' path '{path}' for file '{field_name}' must point into the variables "
            "(like 'variables.file')"
        )
    if variables is None:
        raise _bad(f"'map' path '{path}' for file '{field_name}': the operation has no variables")
    *parents, last = rest.split(".")
    target: Any = variables
    for key in parents:
        target = _step(target, key, path, field_name)
    if isinstance(target, list):
        index = _index(target, last, path, field_name)
        target[index] = upload
    elif isinstance(target, dict):
        target[last] = upload
    else:
        raise _bad(f"'map' path '{path}' for file '{field_name}' does not exist in the variables")


def _step(container: Any, key: str, path: str, field_name: str) -> Any:
    if isinstance(container, list):
        return container[_index(container, key, path, field_name)]
    if isinstance(container, dict) and key in container:
        return container[key]
    raise _bad(f"'map' path '{path}' for file '{field_name}' does not exist in the variables")


def _index(container: list[Any], key: str, path: str, field_name: str) -> int:
    if not key.isdigit() or int(key) >= len(container):
        raise _bad(f"'map' path '{path}' for file '{field_name}' does not exist in the variables")
    return int(key)

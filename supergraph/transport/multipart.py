"""The body of a GraphQL multipart request (file uploads) as the subgraph receives it."""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp

from supergraph.transport.base import FilePart

JSON = "application/json"


def upload_form(operations: bytes, map: bytes, files: Sequence[FilePart]) -> aiohttp.FormData:
    """`operations`, then `map`, then the files: the order the specification requires, so a
    server may stream the files after reading the two JSON fields."""
    form = aiohttp.FormData(quote_fields=False)
    # As text without a file name, so that servers read them as plain form fields.
    form.add_field("operations", operations.decode("utf-8"), content_type=JSON)
    form.add_field("map", map.decode("utf-8"), content_type=JSON)
    for part in files:
        form.add_field(
            part.field, part.content, filename=part.filename, content_type=part.content_type
        )
    return form


async def encode_upload_form(
    operations: bytes, map: bytes, files: Sequence[FilePart]
) -> tuple[str, bytes]:
    """The form as (Content-Type with its boundary, body bytes), for transports without a
    streaming HTTP client (the in-process one)."""
    writer = upload_form(operations, map, files)()
    return writer.content_type, await writer.as_bytes()

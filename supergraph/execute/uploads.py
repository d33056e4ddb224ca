"""Files uploaded with an operation: how they sit in the variables, and how a fetch sends them.

The HTTP edge puts an `Upload` wherever the client's multipart request mapped a file (the
`Upload` scalar, like any custom scalar, passes variable coercion unchanged). A fetch whose
variables hold uploads is sent as a GraphQL multipart request of its own: its variables with
`null` at each file's place, a map from file fields to those places, and the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from supergraph.transport.base import FilePart


@dataclass(frozen=True, slots=True, eq=False)
class Upload:
    """One uploaded file, held in memory (the edge bounds the size of a whole request)."""

    filename: str
    content_type: str
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True, slots=True)
class FetchFiles:
    """A fetch's variables without their files, and the files with where they belong."""

    variables: dict[str, Any]
    map: dict[str, list[str]]
    files: list[FilePart]

    def encoded_map(self) -> bytes:
        return orjson.dumps(self.map)


def files_in(variables: Mapping[str, Any]) -> FetchFiles | None:
    """The uploads in a fetch's variables, or None when it has none. A file used at several
    places is sent once, mapped to all of them."""
    found: list[tuple[str, Upload]] = []
    stripped = {
        name: _strip(value, f"variables.{name}", found) for name, value in variables.items()
    }
    if not found:
        return None
    fields: dict[int, str] = {}
    files: list[FilePart] = []
    mapping: dict[str, list[str]] = {}
    for path, upload in found:
        name = fields.get(id(upload))
        if name is None:
            name = fields[id(upload)] = str(len(files))
            files.append(FilePart(name, upload.filename, upload.content_type, upload.content))
            mapping[name] = []
        mapping[name].append(path)
    return FetchFiles(stripped, mapping, files)


def _strip(value: Any, path: str, found: list[tuple[str, Upload]]) -> Any:
    if type(value) is Upload:
        found.append((path, value))
        return None
    if type(value) is dict:
        return {key: _strip(item, f"{path}.{key}", found) for key, item in value.items()}
    if type(value) is list:
        return [_strip(item, f"{path}.{index}", found) for index, item in enumerate(value)]
    return value

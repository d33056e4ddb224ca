"""Cursor pagination: Relay-style connections (edges, node, cursor, pageInfo, totalCount)."""

from __future__ import annotations

import base64
from typing import Generic, TypeVar

import orjson
import strawberry

from subgraphs.kit.errors import BadUserInputError

T = TypeVar("T")

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInputError(f"first must be between 1 and {MAX_PAGE_SIZE}, got {first}")
    return first


def encode_cursor(*position: object) -> str:
    """An opaque cursor for a position in an ordering (e.g. created_at, id)."""
    return base64.urlsafe_b64encode(orjson.dumps(list(position))).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[object]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, orjson.JSONDecodeError):
        raise BadUserInputError(f"after: {cursor!r} is not a cursor from this list") from None
    if not isinstance(position, list) or len(position) != arity:
        raise BadUserInputError(f"after: {cursor!r} is not a cursor from this list")
    return position

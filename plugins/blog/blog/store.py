"""The posts table: every query the blog runs, on a connection of the plugin's own role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from .errors import (
    InvalidArgumentError,
    InvalidBodyError,
    InvalidSlugError,
    InvalidTitleError,
    SlugTakenError,
)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_TITLE = 200
MAX_SLUG = 100
MAX_PAGE = 100
MAX_BODY = 100_000
_COLUMNS = "id, title, slug, body, status, publish_at, author_id, created_at, updated_at"


@dataclass(frozen=True)
class PostRow:
    id: int
    title: str
    slug: str
    body: str
    status: str
    publish_at: datetime | None
    author_id: str
    created_at: datetime
    updated_at: datetime


def _row(record: Any) -> PostRow:
    return PostRow(**dict(record))


def check_title(title: str) -> str:
    cleaned = title.strip()
    if not cleaned:
        raise InvalidTitleError("title must not be empty")
    if len(cleaned) > MAX_TITLE:
        raise InvalidTitleError(f"title must be at most {MAX_TITLE} characters")
    return cleaned


def check_slug(slug: str) -> str:
    if len(slug) > MAX_SLUG or not SLUG.match(slug):
        raise InvalidSlugError(
            f"slug {slug[:MAX_SLUG]!r} must be 1-{MAX_SLUG} characters of a-z and 0-9 in "
            "words joined by single hyphens, e.g. 'my-first-post'"
        )
    return slug


def slug_from_title(title: str) -> str:
    """`"Hello, World!"` -> `"hello-world"`; refused when nothing usable is left."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:MAX_SLUG].strip("-")
    if not slug:
        raise InvalidSlugError("the title gives no slug (no letters or digits): pass a slug")
    return slug


def check_body(body: str) -> str:
    if len(body) > MAX_BODY:
        raise InvalidBodyError(f"body must be at most {MAX_BODY} characters, not {len(body)}")
    return body


def check_page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise InvalidArgumentError(f"first must be between 1 and {MAX_PAGE}, not {first}")
    return first


def _visible(include_unpublished: bool) -> str:
    return "TRUE" if include_unpublished else "status = 'PUBLISHED'"


async def page(
    connection: Any, *, first: int, after_id: int | None, include_unpublished: bool
) -> tuple[list[PostRow], bool]:
    """Posts newest first after `after_id`, and whether more follow."""
    records = await connection.fetch(
        f"SELECT {_COLUMNS} FROM posts WHERE {_visible(include_unpublished)} "
        "AND ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2",
        after_id,
        first + 1,
    )
    rows = [_row(record) for record in records]
    return rows[:first], len(rows) > first


async def by_slug(connection: Any, slug: str, *, include_unpublished: bool) -> PostRow | None:
    record = await connection.fetchrow(
        f"SELECT {_COLUMNS} FROM posts WHERE slug = $1 AND {_visible(include_unpublished)}",
        slug,
    )
    return None if record is None else _row(record)


async def by_id(connection: Any, post_id: int) -> PostRow | None:
    record = await connection.fetchrow(f"SELECT {_COLUMNS} FROM posts WHERE id = $1", post_id)
    return None if record is None else _row(record)


async def by_authors(
    connection: Any, author_ids: list[str], *, include_unpublished_of: set[str] | bool
) -> dict[str, list[PostRow]]:
    """Each author's posts newest first: published ones, plus all of `include_unpublished_of`
    (every author's when True)."""
    everyone = include_unpublished_of is True
    own = [] if isinstance(include_unpublished_of, bool) else sorted(include_unpublished_of)
    records = await connection.fetch(
        f"SELECT {_COLUMNS} FROM posts WHERE author_id = ANY($1::text[]) "
        "AND (status = 'PUBLISHED' OR $2 OR author_id = ANY($3::text[])) "
        "ORDER BY id DESC",
        author_ids,
        everyone,
        own,
    )
    grouped: dict[str, list[PostRow]] = {author: [] for author in author_ids}
    for record in records:
        row = _row(record)
        grouped[row.author_id].append(row)
    return grouped


async def insert(connection: Any, *, title: str, slug: str, body: str, author_id: str) -> PostRow:
    try:
        record = await connection.fetchrow(
            f"INSERT INTO posts (title, slug, body, author_id) VALUES ($1, $2, $3, $4) "
            f"RETURNING {_COLUMNS}",
            title,
            slug,
            body,
            author_id,
        )
    except asyncpg.UniqueViolationError:
        raise SlugTakenError(f"slug {slug!r} is already used by another post") from None
    return _row(record)


async def update(connection: Any, post_id: int, changes: dict[str, Any]) -> PostRow:
    """Set `changes` (column -> value; columns from this module only) and touch updated_at."""
    assignments = ", ".join(f"{column} = ${i}" for i, column in enumerate(changes, start=2))
    sets = f"{assignments}, updated_at = now()" if assignments else "updated_at = now()"
    try:
        record = await connection.fetchrow(
            f"UPDATE posts SET {sets} WHERE id = $1 RETURNING {_COLUMNS}",
            post_id,
            *changes.values(),
        )
    except asyncpg.UniqueViolationError:
        raise SlugTakenError(
            f"slug {changes.get('slug')!r} is already used by another post"
        ) from None
    return _row(record)


async def delete(connection: Any, post_id: int) -> bool:
    status = await connection.execute("DELETE FROM posts WHERE id = $1", post_id)
    return bool(status.endswith(" 1"))


async def publish_due(connection: Any) -> list[int]:
    """Publish every SCHEDULED post whose publish_at has passed; the ids it published."""
    records = await connection.fetch(
        "UPDATE posts SET status = 'PUBLISHED', updated_at = now() "
        "WHERE status = 'SCHEDULED' AND publish_at <= now() RETURNING id"
    )
    return sorted(int(record["id"]) for record in records)

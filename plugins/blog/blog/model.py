"""The blog's GraphQL types: `Post`, its page, inputs, and the `User` entity it extends."""

from __future__ import annotations

import base64
import binascii
import enum
from datetime import datetime

import strawberry

from .errors import InvalidArgumentError
from .store import PostRow

_CURSOR_PREFIX = "post:"


@strawberry.enum(description="Where a post is in its life.")
class PostStatus(enum.Enum):
    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"
    PUBLISHED = "PUBLISHED"


@strawberry.type(description="A blog post.")
class Post:
    id: strawberry.ID
    title: str
    slug: str
    body: str
    status: PostStatus
    publish_at: datetime | None = strawberry.field(
        description="When it was or will be published; null for drafts."
    )
    created_at: datetime
    updated_at: datetime
    author_id: strawberry.ID = strawberry.field(description="The id of the author (a User).")

    @classmethod
    def from_row(cls, row: PostRow) -> Post:
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            slug=row.slug,
            body=row.body,
            status=PostStatus(row.status),
            publish_at=row.publish_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            author_id=strawberry.ID(row.author_id),
        )


@strawberry.type(description="A page of posts, newest first.")
class PostConnection:
    nodes: list[Post]
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
    has_next_page: bool


@strawberry.input(description="A new post; it starts as a draft.")
class CreatePostInput:
    title: str
    slug: str | None = strawberry.field(
        default=None, description="a-z, 0-9 and single hyphens; made from the title when null."
    )
    body: str = ""


@strawberry.input(description="The fields to change; null leaves a field as it is.")
class UpdatePostInput:
    title: str | None = None
    slug: str | None = None
    body: str | None = None


def cursor_of(post_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{post_id}".encode()).decode()


def id_of_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_CURSOR_PREFIX):
            return int(text.removeprefix(_CURSOR_PREFIX))
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise InvalidArgumentError("after is not a cursor this API gave out (use endCursor)")


def post_id(value: strawberry.ID) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise InvalidArgumentError(f"id {str(value)[:40]!r} is not a post id")
    return number

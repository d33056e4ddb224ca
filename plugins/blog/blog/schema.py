"""The blog's part of the supergraph: `posts`, `post`, `User.posts` and the post mutations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.federation.schema_directives import Authenticated, RequiresScopes
from strawberry.types import Info

from plugins.sdk.request import PluginRequest

from . import access, loaders, store
from .errors import PostNotFoundError
from .model import (
    CreatePostInput,
    Post,
    PostConnection,
    UpdatePostInput,
    cursor_of,
    id_of_cursor,
    post_id,
)

Context = Info[PluginRequest, None]
EDITOR_ONLY = [RequiresScopes(scopes=[[access.EDITOR]])]
DEFAULT_PAGE = 10


def _database(info: Context) -> Any:
    return info.context.database()


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id)

    @strawberry.field(
        description="This user's published posts, newest first; drafts and scheduled ones too "
        "for the user themself and for editors."
    )
    async def posts(self, info: Context) -> list[Post]:
        rows = await loaders.posts_by_author(info.context).load(str(self.id))
        return [Post.from_row(row) for row in rows]


@strawberry.type
class Query:
    @strawberry.field(description="Posts, newest first: published ones (every post for editors).")
    async def posts(
        self, info: Context, first: int | None = None, after: str | None = None
    ) -> PostConnection:
        size = store.check_page_size(
            first if first is not None else int(info.context.settings.get("per_page", DEFAULT_PAGE))
        )
        after_id = None if after is None else id_of_cursor(after)
        async with _database(info).acquire() as connection:
            rows, more = await store.page(
                connection,
                first=size,
                after_id=after_id,
                include_unpublished=access.can_read_unpublished(info.context.principal),
            )
        return PostConnection(
            nodes=[Post.from_row(row) for row in rows],
            end_cursor=cursor_of(rows[-1].id) if rows else None,
            has_next_page=more,
        )

    @strawberry.field(description="The post with this slug, if it exists and you may read it.")
    async def post(self, info: Context, slug: str) -> Post | None:
        async with _database(info).acquire() as connection:
            row = await store.by_slug(
                connection,
                slug,
                include_unpublished=access.can_read_unpublished(info.context.principal),
            )
        return None if row is None else Post.from_row(row)


async def _owned(connection: Any, info: Context, id: strawberry.ID, action: str) -> store.PostRow:
    """The post `id`, after checking the caller may change it (editor, and author or admin)."""
    access.require_editor(info.context.principal, action)
    row = await store.by_id(connection, post_id(id))
    if row is None:
        raise PostNotFoundError(f"no post with id {str(id)!r}")
    access.require_owner(info.context.principal, row.author_id, action)
    return row


@strawberry.type
class Mutation:
    @strawberry.mutation(directives=EDITOR_ONLY, description="Write a new draft (editors).")
    async def create_post(self, info: Context, input: CreatePostInput) -> Post:
        author = access.require_editor(info.context.principal, "create posts")
        title = store.check_title(input.title)
        slug = store.check_slug(input.slug) if input.slug is not None else None
        async with _database(info).acquire() as connection:
            row = await store.insert(
                connection,
                title=title,
                slug=slug or store.slug_from_title(title),
                body=store.check_body(input.body),
                author_id=author,
            )
        return Post.from_row(row)

    @strawberry.mutation(
        directives=[Authenticated(), *EDITOR_ONLY],
        description="Change a post's title, slug or body (its author, or an admin).",
    )
    async def update_post(self, info: Context, id: strawberry.ID, input: UpdatePostInput) -> Post:
        changes: dict[str, Any] = {}
        if input.title is not None:
            changes["title"] = store.check_title(input.title)
        if input.slug is not None:
            changes["slug"] = store.check_slug(input.slug)
        if input.body is not None:
            changes["body"] = store.check_body(input.body)
        async with _database(info).acquire() as connection, connection.transaction():
            row = await _owned(connection, info, id, "edit this post")
            return Post.from_row(await store.update(connection, row.id, changes))

    @strawberry.mutation(
        directives=[Authenticated(), *EDITOR_ONLY],
        description="Publish now, or schedule for `at` when it is in the future (author or admin).",
    )
    async def publish_post(
        self, info: Context, id: strawberry.ID, at: datetime | None = None
    ) -> Post:
        now = datetime.now(UTC)
        when = now if at is None else (at if at.tzinfo else at.replace(tzinfo=UTC))
        status = "SCHEDULED" if when > now else "PUBLISHED"
        async with _database(info).acquire() as connection, connection.transaction():
            row = await _owned(connection, info, id, "publish this post")
            if at is None and row.status == "PUBLISHED":
                return Post.from_row(row)  # already public: keep its original publishAt
            changed = await store.update(connection, row.id, {"status": status, "publish_at": when})
        return Post.from_row(changed)

    @strawberry.mutation(
        directives=[Authenticated(), *EDITOR_ONLY],
        description="Delete a post for good (its author, or an admin); true when it was deleted.",
    )
    async def delete_post(self, info: Context, id: strawberry.ID) -> bool:
        async with _database(info).acquire() as connection, connection.transaction():
            row = await _owned(connection, info, id, "delete this post")
            return await store.delete(connection, row.id)

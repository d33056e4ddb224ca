"""`User.posts` in one query per request, however many users the gateway sends at once."""

from __future__ import annotations

from typing import Any

from aiodataloader import DataLoader

from plugins.sdk.request import PluginRequest

from . import access, store

_ATTRIBUTE = "_blog_posts_by_author"


def posts_by_author(request: PluginRequest) -> DataLoader[str, list[store.PostRow]]:
    """The request's loader (made on first use): author id -> the posts this principal may see."""
    loader: DataLoader[str, list[store.PostRow]] | None = vars(request).get(_ATTRIBUTE)
    if loader is None:
        loader = DataLoader(batch_load_fn=_batch(request), max_batch_size=500)
        setattr(request, _ATTRIBUTE, loader)
    return loader


def _batch(request: PluginRequest) -> Any:
    principal = request.principal
    unpublished: set[str] | bool = access.can_read_unpublished(principal) or (
        {principal.sub} if principal.sub else set()
    )

    async def load(author_ids: list[str]) -> list[list[store.PostRow]]:
        async with request.database().acquire() as connection:
            grouped = await store.by_authors(
                connection, list(dict.fromkeys(author_ids)), include_unpublished_of=unpublished
            )
        return [grouped[author] for author in author_ids]

    return load

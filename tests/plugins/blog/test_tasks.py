"""The scheduled task `publish_due`, called directly with the SDK's context, as a scheduler will."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime, timedelta

import asyncpg

from plugins.blog.blog.tasks import publish_due
from plugins.sdk import PluginContext

from .conftest import Blog, user
from .test_posts import POST, PUBLISH, create


async def test_publish_due_publishes_a_scheduled_post_once_its_time_has_come(
    blog: Blog, installed: str
) -> None:
    author = user("editor")
    post = await create(blog, author, slug=f"due-{secrets.token_hex(4)}")
    at = datetime.now(UTC) + timedelta(seconds=1.5)
    scheduled = await blog.ask(PUBLISH, author, id=post["id"], at=at.isoformat())
    assert scheduled["data"]["publishPost"]["status"] == "SCHEDULED"
    connection = await asyncpg.connect(installed.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        context = PluginContext(name="blog", version="1.0.0", database=connection)
        assert int(post["id"]) not in await publish_due(context)
        assert (await blog.ask(POST, user("viewer"), slug=post["slug"]))["data"]["post"] is None
        await asyncio.sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()) + 0.2)
        assert int(post["id"]) in await publish_due(context)
        assert await publish_due(context) == []
    finally:
        await connection.close()
    seen = await blog.ask(POST, user("viewer"), slug=post["slug"])
    assert seen["data"]["post"]["status"] == "PUBLISHED"

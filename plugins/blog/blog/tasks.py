"""The blog's scheduled tasks (manifest `tasks`): plain async functions of a PluginContext."""

from __future__ import annotations

from plugins.sdk import PluginContext

from . import store


async def publish_due(context: PluginContext) -> list[int]:
    """Publish every SCHEDULED post whose publishAt has passed; returns the ids it published.

    Runs every minute (`* * * * *`); safe to run twice or concurrently (one UPDATE).
    """
    if context.database is None:
        raise RuntimeError("publish_due needs the plugin's database connection")
    return await store.publish_due(context.database)

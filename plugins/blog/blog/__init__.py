"""The blog plugin: posts with drafts and scheduled publishing, and `User.posts` on core users.

Built only with the public plugin SDK: the runner serves `Query`, `Mutation` and `types` as the
federation subgraph `plugin_blog`; `tasks.publish_due` is the manifest's scheduled task.
"""

from __future__ import annotations

from plugins.sdk import PluginContext

from .schema import Mutation, Query, User

types = [User]

__all__ = ["Mutation", "Query", "User", "activate", "deactivate", "install", "types", "uninstall"]


async def install(context: PluginContext) -> None:
    """Nothing beyond the migrations: the posts table starts empty."""


async def activate(context: PluginContext) -> None:
    """Nothing to warm up: every request reads the database."""


async def deactivate(context: PluginContext) -> None:
    """Posts stay; they are served again on the next activation."""


async def uninstall(context: PluginContext, keep_data: bool) -> None:
    """The engine drops (or keeps) the schema with the posts; nothing else to clean."""

"""The contact plugin: a public contact form endpoint with its own rate limit, and an inbox.

Built only with the public plugin SDK: the runner serves `Query` and `Mutation` as the federation
subgraph `plugin_contact`, and mounts `routes` (Starlette routes) under `/http`, which the
gateway serves at `/api/plugins/contact/<path>`.
"""

from __future__ import annotations

from plugins.sdk import PluginContext

from .endpoints import routes
from .schema import Mutation, Query

__all__ = ["Mutation", "Query", "activate", "deactivate", "install", "routes", "uninstall"]


async def install(context: PluginContext) -> None:
    """Nothing beyond the migrations: the inbox starts empty."""


async def activate(context: PluginContext) -> None:
    """Nothing to warm up: every request reads the database."""


async def deactivate(context: PluginContext) -> None:
    """Messages stay; the form takes new ones again on the next activation."""


async def uninstall(context: PluginContext, keep_data: bool) -> None:
    """The engine drops (or keeps) the schema with the messages; nothing else to clean."""

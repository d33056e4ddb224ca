"""Hook specifications: what the platform calls on a plugin, when, and with what.

Every hook is optional and async. Define one in the plugin's package with the same name and
signature; the platform calls it in a one-shot process of the plugin (sandboxed like the serving
one; see docs/plugin-runtime.md, "One-shot actions"), as the plugin's database role. Each call
is one transaction on `context.database`: a hook that raises leaves nothing it wrote behind.
Raise an exception with a `code` attribute to tell the platform why; its first line is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PluginContext:
    """What a hook or task receives.

    `database` is an asyncpg connection logged in as the plugin's role (`plugin_<name>`), whose
    search_path is the plugin's schema; it is None for a plugin without a database login.
    `version` is the `version` of the plugin.yaml beside the code being run. `gateway` is a
    `plugins.sdk.gateway.Gateway` (`await context.gateway.query("{ ... }")`, the API as the
    plugin's own API key), or None for a plugin the platform gave no key.
    """

    name: str
    version: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    database: Any = None
    gateway: Any = None


async def install(context: PluginContext) -> None:
    """After the plugin's migrations ran, once, when it is installed. Raising undoes the install."""


async def activate(context: PluginContext) -> None:
    """When the plugin starts serving, before it joins the supergraph."""


async def deactivate(context: PluginContext) -> None:
    """When the plugin stops serving; its data stays."""


async def uninstall(context: PluginContext, keep_data: bool) -> None:
    """Before its schema and role are dropped (or kept, when `keep_data`)."""


async def update(context: PluginContext, old_version: str) -> None:
    """After an update's new migrations ran, in the same transaction: raising rolls back the
    migrations too, and the plugin stays at `old_version`."""


HOOKS: Mapping[str, Any] = {
    "install": install,
    "activate": activate,
    "deactivate": deactivate,
    "uninstall": uninstall,
    "update": update,
}
"""Hook name -> its specification (signature and docstring)."""

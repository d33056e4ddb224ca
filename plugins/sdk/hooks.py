"""Hook specifications: what the platform calls on a plugin, when, and with what.

Every hook is optional and async. Define one in the plugin's package with the same name and
signature; the platform calls it in the plugin's own process, as the plugin's database role.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PluginContext:
    """What a hook or task receives.

    `database` is an async connection logged in as the plugin's role (`plugin_<name>`), whose
    search_path is the plugin's schema; it is None where a hook runs without one.
    """

    name: str
    version: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    database: Any = None


async def install(context: PluginContext) -> None:
    """After the plugin's migrations ran, once, when it is installed. Raising undoes the install."""


async def activate(context: PluginContext) -> None:
    """When the plugin starts serving, before it joins the supergraph."""


async def deactivate(context: PluginContext) -> None:
    """When the plugin stops serving; its data stays."""


async def uninstall(context: PluginContext, keep_data: bool) -> None:
    """Before its schema and role are dropped (or kept, when `keep_data`)."""


async def update(context: PluginContext, old_version: str) -> None:
    """After an update's new migrations ran, in the same transaction where it can be."""


HOOKS: Mapping[str, Any] = {
    "install": install,
    "activate": activate,
    "deactivate": deactivate,
    "uninstall": uninstall,
    "update": update,
}
"""Hook name -> its specification (signature and docstring)."""

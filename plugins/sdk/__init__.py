"""The Althaus plugin SDK: everything a plugin imports from the platform (kept tiny on purpose).

A plugin's package (`<name>/__init__.py`) exposes:

- `Query` (and optionally `Mutation` and `types`, a list of extra Strawberry types): its part
  of the supergraph, served as the federation subgraph `plugin_<name>`;
- any of the lifecycle hooks specified in `plugins.sdk.hooks` (`install`, `activate`,
  `deactivate`, `uninstall`, `update`), each `async def hook(context, ...)`;
- the functions its manifest's scheduled tasks name.
"""

from __future__ import annotations

from plugins.sdk.hooks import HOOKS, PluginContext

__all__ = ["HOOKS", "PluginContext"]

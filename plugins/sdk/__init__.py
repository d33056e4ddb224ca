"""The Althaus plugin SDK: everything a plugin imports from the platform (kept tiny on purpose).

A plugin's package (`<name>/__init__.py`) exposes:

- `Query` (and optionally `Mutation` and `types`, a list of extra Strawberry types): its part
  of the supergraph, served as the federation subgraph `plugin_<name>`;
- any of the lifecycle hooks specified in `plugins.sdk.hooks` (`install`, `activate`,
  `deactivate`, `uninstall`, `update`), each `async def hook(context, ...)`;
- the functions its manifest's scheduled tasks name (`tasks.publish_due` is
  `<name>/tasks.py`'s `publish_due(context)`), each called with a `PluginContext`;
- `routes` (optional): a list of Starlette routes, its plain HTTP endpoints (webhooks, forms),
  served at `/api/plugins/<name>/<path>`; a handler gets who is calling, the settings and the
  database with `plugins.sdk.http.plugin_request(request)`.
"""

from __future__ import annotations

from plugins.sdk.hooks import HOOKS, PluginContext

__all__ = ["HOOKS", "PluginContext"]

"""The plugins subgraph app (port 4004): the plugin lifecycle over GraphQL, and its host.

`create_app(settings, resources, core_subgraphs=...)` builds the app and a PluginHost that
runs the active plugins' processes; `app.state.plugin_host` holds it. Beside `/graphql` and
`/engine/<action>`, the app serves the host's plugin relay at `/plugins/<name>/<path>` (how
gateways on other machines reach the plugins; see subgraphs/plugins/relay.py).

Run standalone (`althaus serve plugins`) the app's lifespan starts and stops the host; mounted
in `althaus dev` (where mounted lifespans do not run) the dev app calls `start_host(app)` /
`stop_host(app)` itself.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.config import Settings
from subgraphs.kit.app import InternalTokenGuard, create_subgraph_app
from subgraphs.kit.context import SubgraphResources
from subgraphs.plugins.lifecycle.host import CoreSubgraphs, HostOptions, PluginHost
from subgraphs.plugins.operator import OperatorEndpoint
from subgraphs.plugins.relay import METHODS as RELAY_METHODS
from subgraphs.plugins.relay import PluginRelay
from subgraphs.plugins.schema import schema

NAME = "plugins"


def create_app(
    settings: Settings,
    resources: SubgraphResources | None = None,
    *,
    core_subgraphs: CoreSubgraphs | None = None,
    options: HostOptions | None = None,
) -> Starlette:
    holder: dict[str, PluginHost | None] = {"host": None}
    endpoint = OperatorEndpoint(lambda: holder["host"])
    app = create_subgraph_app(NAME, schema, settings, resources)
    state = app.state.subgraph
    app.router.routes.append(
        Route("/engine/{action}", InternalTokenGuard(endpoint, state), methods=["POST"])
    )
    nowhere = PluginRelay(lambda name: None)  # answers 404 until the host is built

    async def relay(request: Request) -> Response:
        # Not behind InternalTokenGuard: the token is for the plugin's audience, and the
        # plugin's process verifies it (relay.py says why that is enough).
        host = holder["host"]
        return await (host.relay if host is not None else nowhere).handle(request)

    app.router.routes.append(Route("/plugins/{name}/{path:path}", relay, methods=RELAY_METHODS))
    app.state.plugin_host = None

    def build_host(opened: Any) -> PluginHost:
        if core_subgraphs is None:
            raise RuntimeError("the plugins subgraph needs core_subgraphs to compose")
        host = PluginHost(
            opened.settings, opened.engine, opened.redis, core_subgraphs, options=options
        )
        holder["host"] = host
        app.state.plugin_host = host
        return host

    app.state.build_host = build_host
    if resources is not None and hasattr(resources, "engine"):
        build_host(resources)
    else:
        _wrap_lifespan(app)
    return app


def _wrap_lifespan(app: Starlette) -> None:
    """Standalone: start the host once the kit's lifespan opened the resources."""
    import contextlib
    from collections.abc import AsyncIterator

    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app_: Starlette) -> AsyncIterator[None]:
        async with inner(app_):
            host = app.state.build_host(app.state.subgraph.resources)
            await host.start()
            try:
                yield
            finally:
                await host.close()

    app.router.lifespan_context = lifespan


async def start_host(app: Starlette) -> None:
    host = app.state.plugin_host
    if host is not None:
        await host.start()


async def stop_host(app: Starlette) -> None:
    host = app.state.plugin_host
    if host is not None:
        await host.close()

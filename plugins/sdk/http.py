"""Plain HTTP routes of a plugin (webhooks, public forms): what a route handler imports.

A plugin's package may expose `routes`, a list of Starlette routes. The gateway serves them at
`/api/plugins/<name>/<path>` with the same authentication as `/graphql`; inside the plugin's
process they are mounted under `/http`. A handler reads who is calling, the plugin's settings
and its database with `plugin_request(request)`:

    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from plugins.sdk.http import plugin_request

    async def ping(request: Request) -> JSONResponse:
        context = plugin_request(request)
        return JSONResponse({"hello": context.principal.sub})

    routes = [Route("/ping", ping, methods=["GET"])]

A request without a valid X-Internal-Token for the plugin is refused with 401 before any handler
runs. An exception a handler lets through becomes a 500 `{"error": {"code":
"PLUGIN_ROUTE_FAILED", "message": "Unexpected error."}}` (the traceback goes to the plugin's
stderr.log, never to the client); a path no route matches is a JSON 404 PLUGIN_ROUTE_NOT_FOUND.
"""

from __future__ import annotations

from typing import Any

from plugins.sdk.request import PluginRequest

SCOPE_KEY = "althaus.plugin_request"
"""Where the runner puts the request's PluginRequest in the ASGI scope."""


class NotAPluginRequest(RuntimeError):
    """`plugin_request` called on a request that did not come through the plugin's runner."""

    code = "PLUGIN_REQUEST_MISSING"


def plugin_request(request: Any) -> PluginRequest:
    """The PluginRequest (principal, request context, settings, database) of an HTTP request."""
    found = request.scope.get(SCOPE_KEY)
    if not isinstance(found, PluginRequest):
        raise NotAPluginRequest("this request did not come through the plugin's runner")
    return found

"""What a plugin's resolvers get as `info.context`: who asks, the plugin's own database, and
its way back into the API through the gateway."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.security.principal import Principal, RequestContext
from plugins.sdk.gateway import Gateway, GatewayUnavailable


class NoDatabaseError(Exception):
    """The plugin's process was started without a database login."""

    code = "PLUGIN_NO_DATABASE"


@dataclass
class PluginRequest:
    """`info.context` in a plugin's resolvers.

    `principal` comes from the verified X-Internal-Token (never from other headers).
    `database()` is an asyncpg pool logged in as the plugin's own role, search_path its schema:
    `async with info.context.database().acquire() as connection: ...`.
    `gateway()` is the Gateway that queries the API with the plugin's own API key:
    `await info.context.gateway().query("{ ... }")`.
    """

    name: str
    principal: Principal
    context: RequestContext
    settings: Mapping[str, Any] = field(default_factory=dict)
    pool: Any = None
    gateway_client: Gateway | None = None

    def database(self) -> Any:
        if self.pool is None:
            raise NoDatabaseError(f"plugin {self.name!r} has no database login in this process")
        return self.pool

    def gateway(self) -> Gateway:
        if self.gateway_client is None or not self.gateway_client.configured:
            raise GatewayUnavailable(f"plugin {self.name!r} has no gateway key in this process")
        return self.gateway_client

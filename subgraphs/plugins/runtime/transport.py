"""How the gateway reaches a plugin's subgraph: HTTP over its Unix socket.

The URL is what the engine stores for subgraph `plugin_<name>` in a supergraph version; the
gateway's HttpTransport (supergraph/transport/http.py) understands `unix:///path.sock` (HTTP
path `/graphql`). This module deliberately imports nothing from the gateway: they meet only
over the transport. Tokens for the plugin are minted with the platform secret by
`core.security.internal_token.mint`, which derives the plugin's key for audience `plugin_<name>`.
"""

from __future__ import annotations

from pathlib import Path

from subgraphs.plugins.runtime.spec import ProcessSpec

UNIX_SCHEME = "unix://"


def plugin_url(spec: ProcessSpec) -> str:
    """`unix:///<runtime dir>/plugin.sock` for subgraph `plugin_<name>`."""
    return socket_url(spec.socket)


def socket_url(socket: Path) -> str:
    if not socket.is_absolute():
        raise ValueError(f"plugin socket {socket} must be an absolute path")
    return f"{UNIX_SCHEME}{socket}"

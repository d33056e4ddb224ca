"""Build the right transport for a subgraph from a URL or an in-process ASGI app."""

from __future__ import annotations

from supergraph.transport.asgi import AsgiApp, AsgiTransport
from supergraph.transport.base import SubgraphTransport
from supergraph.transport.http import HttpTransport


def create_transport(
    name: str, url_or_app: str | AsgiApp, timeout: float = 30.0
) -> SubgraphTransport:
    """An HttpTransport for an http(s):// or unix:// URL, an AsgiTransport for an ASGI app."""
    if isinstance(url_or_app, str):
        return HttpTransport(name, url_or_app, timeout)
    if callable(url_or_app):
        return AsgiTransport(name, url_or_app, timeout)
    raise TypeError(
        f"subgraph {name!r}: expected a URL or an ASGI app, got {type(url_or_app).__name__}"
    )

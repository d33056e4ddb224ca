"""How the gateway reaches a subgraph: one interface, HTTP and in-process ASGI implementations."""

from supergraph.transport.base import SubgraphTransport, TransportError, TransportTimeout

__all__ = ["SubgraphTransport", "TransportError", "TransportTimeout"]

"""How the gateway reaches a subgraph: one interface, HTTP and in-process ASGI implementations."""

from supergraph.transport.asgi import AsgiTransport
from supergraph.transport.base import (
    FilePart,
    MultipartTransport,
    RawResponse,
    RequestTransport,
    SubgraphTransport,
    TransportError,
    TransportTimeout,
)
from supergraph.transport.factory import create_transport
from supergraph.transport.http import HttpTransport

__all__ = [
    "AsgiTransport",
    "FilePart",
    "HttpTransport",
    "MultipartTransport",
    "RawResponse",
    "RequestTransport",
    "SubgraphTransport",
    "TransportError",
    "TransportTimeout",
    "create_transport",
]

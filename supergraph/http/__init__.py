"""The gateway's HTTP edge: GraphQL over HTTP, health, CSRF, CORS, sessions and GraphiQL."""

from __future__ import annotations

from supergraph.http.app import create_gateway_app

__all__ = ["create_gateway_app"]

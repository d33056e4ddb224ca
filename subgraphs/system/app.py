"""The system subgraph app (port 4002): platform settings and the audit log."""

from __future__ import annotations

from starlette.applications import Starlette

from core.config import Settings
from subgraphs.kit.app import create_subgraph_app
from subgraphs.kit.context import SubgraphResources
from subgraphs.system.schema import schema

NAME = "system"


def create_app(settings: Settings, resources: SubgraphResources | None = None) -> Starlette:
    return create_subgraph_app(NAME, schema, settings, resources)

"""The supergraph model: which subgraph resolves which field under which keys; the API schema."""

from __future__ import annotations

from supergraph.model.auth import AuthRequirement
from supergraph.model.errors import INVALID_SUPERGRAPH, SupergraphError
from supergraph.model.join_graph import SubgraphInfo
from supergraph.model.supergraph import Supergraph

__all__ = ["INVALID_SUPERGRAPH", "AuthRequirement", "SubgraphInfo", "Supergraph", "SupergraphError"]

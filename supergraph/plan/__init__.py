"""Query planning: turn a client operation into a plan of subgraph fetches."""

from __future__ import annotations

from supergraph.plan.errors import QUERY_PLANNING_FAILED, PlanningError
from supergraph.plan.planner import QueryPlanner

__all__ = ["QUERY_PLANNING_FAILED", "PlanningError", "QueryPlanner"]

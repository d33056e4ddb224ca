"""Errors raised while planning an operation."""

from __future__ import annotations

QUERY_PLANNING_FAILED = "QUERY_PLANNING_FAILED"


class PlanningError(Exception):
    """The operation cannot be planned over this supergraph; `message` says why."""

    code = QUERY_PLANNING_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

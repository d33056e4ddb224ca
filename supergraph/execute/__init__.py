"""Running query plans against subgraphs and shaping the response."""

from supergraph.execute.executor import Executor

__all__ = ["Executor"]

"""The benchmark's nested query (fixtures/bench_query.graphql) over its supergraph."""

from __future__ import annotations

from collections import Counter

from supergraph.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    SequenceNode,
)
from tests.supergraph.plan.planning import FIXTURES, plan


def _fetches(node: PlanNode | None) -> list[FetchNode]:
    if isinstance(node, FetchNode):
        return [node]
    if isinstance(node, FlattenNode):
        return _fetches(node.node)
    if isinstance(node, (SequenceNode, ParallelNode)):
        return [f for child in node.nodes for f in _fetches(child)]
    if isinstance(node, ConditionNode):
        return _fetches(node.if_clause) + _fetches(node.else_clause)
    return []


def _bench_plan() -> PlanNode | None:
    return plan("bench", (FIXTURES / "bench_query.graphql").read_text(), "TestQuery").node


def test_bench_query_runs_its_two_root_branches_in_parallel() -> None:
    node = _bench_plan()
    assert isinstance(node, ParallelNode) and len(node.nodes) == 2
    assert all(isinstance(branch, SequenceNode) for branch in node.nodes)


def test_bench_query_fetches_each_subgraph_once_per_path() -> None:
    fetches = _fetches(_bench_plan())
    assert Counter(f.service for f in fetches) == {
        "accounts": 3,
        "reviews": 2,
        "products": 4,
        "inventory": 4,
    }
    assert all(f.requires is not None for f in fetches if "_entities" in f.operation)


def test_bench_inventory_fetch_carries_the_required_price_and_weight() -> None:
    inventory = [f for f in _fetches(_bench_plan()) if f.service == "inventory"]
    assert all("shippingEstimate" in f.operation for f in inventory)
    assert all(
        [s.name for s in f.requires[0].selections] == ["__typename", "upc", "price", "weight"]  # type: ignore[index, union-attr]
        for f in inventory
    )

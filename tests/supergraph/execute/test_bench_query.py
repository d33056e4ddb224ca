"""The benchmark's nested query through the executor, over the bench-shaped fixture subgraphs."""

from __future__ import annotations

from supergraph.execute import Executor
from tests.supergraph.execute.benchplan import bench_expected, bench_plan
from tests.supergraph.execute.conftest import headers_for


async def test_bench_query_answers_the_full_nested_response(classic_executor: Executor) -> None:
    response = await classic_executor.execute(bench_plan(), {}, headers_for, "p")
    assert response == {"data": bench_expected()}

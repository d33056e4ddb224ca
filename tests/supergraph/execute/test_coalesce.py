"""Opt-in coalescing: identical queries of one principal in flight together run once."""

from __future__ import annotations

import asyncio

from graphql import build_schema

from supergraph.execute import Executor
from supergraph.plan.nodes import QueryPlan
from tests.fixtures.federation import mutations
from tests.supergraph.execute.benchplan import bench_expected, bench_plan
from tests.supergraph.execute.conftest import Served, headers_for
from tests.supergraph.execute.handplans import leaf, obj, root, root_fetch
from tests.supergraph.execute.test_mutations import API_SDL as MUTATIONS_API_SDL


async def test_identical_queries_share_one_execution(classic_served: Served, classic_api) -> None:
    classic_served.log.clear()
    executor = Executor(
        classic_served.transports("http"),
        classic_api,
        mask_subgraph_errors=False,
        coalesce_queries=True,
    )
    plan = bench_plan()
    responses = await asyncio.gather(
        *(executor.execute(plan, {}, headers_for, "p") for _ in range(4))
    )
    await executor.close()
    assert all(r == {"data": bench_expected()} for r in responses)
    assert classic_served.log.count("accounts") <= 3  # one execution's worth, not four
    assert classic_served.log.count("reviews") == 2


async def test_followers_get_their_own_response_dict(classic_served: Served, classic_api) -> None:
    executor = Executor(
        classic_served.transports("http"),
        classic_api,
        mask_subgraph_errors=False,
        coalesce_queries=True,
    )
    plan = QueryPlan(node=root_fetch("accounts", "me{id}"), shape=root(obj("me", leaf("id"))))
    first, second = await asyncio.gather(
        executor.execute(plan, {}, headers_for, "p"), executor.execute(plan, {}, headers_for, "p")
    )
    await executor.close()
    assert first == second == {"data": {"me": {"id": "1"}}}
    assert first is not second


async def test_different_principals_or_variables_are_not_coalesced(
    classic_served: Served, classic_api
) -> None:
    classic_served.log.clear()
    executor = Executor(
        classic_served.transports("http"),
        classic_api,
        mask_subgraph_errors=False,
        coalesce_queries=True,
    )
    plan = QueryPlan(
        node=root_fetch("accounts", "user(id:$id){name}", variables="($id:ID!)", usages=("id",)),
        shape=root(obj("user", leaf("name"))),
    )
    a, b, c = await asyncio.gather(
        executor.execute(plan, {"id": "1"}, headers_for, "alice"),
        executor.execute(plan, {"id": "1"}, headers_for, "bob"),
        executor.execute(plan, {"id": "2"}, headers_for, "alice"),
    )
    await executor.close()
    assert classic_served.log.count("accounts") == 3
    assert a == b != c


async def test_mutations_are_never_coalesced(mutations_served: Served) -> None:
    mutations.CALLS.clear()
    executor = Executor(
        mutations_served.transports("http"),
        build_schema(MUTATIONS_API_SDL),
        mask_subgraph_errors=False,
        coalesce_queries=True,
    )
    plan = QueryPlan(
        node=root_fetch("ledger", 'addEntry(text:"once"){text}', kind="mutation"),
        shape=root(obj("addEntry", leaf("text"))),
        operation_kind="mutation",
    )
    await asyncio.gather(*(executor.execute(plan, {}, headers_for, "p") for _ in range(2)))
    await executor.close()
    assert mutations.CALLS == ["ledger.addEntry:once"] * 2

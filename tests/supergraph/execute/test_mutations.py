"""Mutations: root fields run one after another, in the client's order, and are never shared."""

from __future__ import annotations

import asyncio

from graphql import build_schema

from supergraph.execute import Executor
from supergraph.plan.nodes import QueryPlan, SequenceNode
from tests.fixtures.federation import mutations
from tests.supergraph.execute.conftest import Served, headers_for
from tests.supergraph.execute.handplans import leaf, obj, root, root_fetch

API_SDL = """
type Query { entryCount: Int! noteCount: Int! }
type Mutation { addEntry(text: String!): Entry! recordNote(note: String!): Int! }
type Entry { id: ID! text: String! }
"""


def _plan() -> QueryPlan:
    # mutation { first: addEntry(text: "a") { text } note: recordNote(note: "b")
    #            second: addEntry(text: "c") { id } }
    return QueryPlan(
        node=SequenceNode(
            (
                root_fetch("ledger", 'first:addEntry(text:"a"){text}', kind="mutation"),
                root_fetch("audit", 'note:recordNote(note:"b")', kind="mutation"),
                root_fetch("ledger", 'second:addEntry(text:"c"){id}', kind="mutation"),
            )
        ),
        shape=root(
            obj("addEntry", leaf("text", non_null=True), alias="first", nullability=(True,)),
            leaf("recordNote", alias="note", non_null=True),
            obj("addEntry", leaf("id", non_null=True), alias="second", nullability=(True,)),
        ),
        operation_kind="mutation",
    )


async def test_mutation_fetches_run_in_order_across_subgraphs(mutations_served: Served) -> None:
    mutations.CALLS.clear()
    executor = Executor(
        mutations_served.transports("http"), build_schema(API_SDL), mask_subgraph_errors=False
    )
    response = await executor.execute(_plan(), {}, headers_for, "p")
    await executor.close()
    assert mutations.CALLS == ["ledger.addEntry:a", "audit.recordNote:b", "ledger.addEntry:c"]
    assert response == {"data": {"first": {"text": "a"}, "note": 2, "second": {"id": "3"}}}


async def test_identical_mutations_in_flight_are_each_sent(mutations_served: Served) -> None:
    mutations.CALLS.clear()
    mutations_served.log.clear()
    executor = Executor(
        mutations_served.transports("http"), build_schema(API_SDL), mask_subgraph_errors=False
    )
    plan = QueryPlan(
        node=root_fetch("ledger", 'addEntry(text:"same"){text}', kind="mutation"),
        shape=root(obj("addEntry", leaf("text"))),
        operation_kind="mutation",
    )
    await asyncio.gather(*(executor.execute(plan, {}, headers_for, "p") for _ in range(3)))
    await executor.close()
    assert mutations_served.log.count("ledger") == 3
    assert mutations.CALLS == ["ledger.addEntry:same"] * 3

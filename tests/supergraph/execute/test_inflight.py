"""Identical query fetches in flight at the same moment are sent once and shared per principal."""

from __future__ import annotations

import asyncio

from supergraph.execute import Executor
from supergraph.plan.nodes import QueryPlan, SequenceNode
from tests.fixtures.federation.classic.data import USERS
from tests.supergraph.execute.conftest import Served, headers_for
from tests.supergraph.execute.handplans import entity_fetch, flatten, leaf, obj, root, root_fetch


def _plan() -> QueryPlan:
    return QueryPlan(
        node=SequenceNode(
            (
                root_fetch("accounts", "users{__typename id username}"),
                flatten("users.@", entity_fetch("reviews", "User", ["id"], "reviews{id}")),
            )
        ),
        shape=root(
            obj(
                "users",
                leaf("username"),
                obj("reviews", leaf("id"), nullability=(False, False)),
                nullability=(False, False),
            )
        ),
    )


async def test_identical_queries_in_flight_are_sent_once(
    classic_served: Served, classic_api
) -> None:
    classic_served.log.clear()
    executor = Executor(classic_served.transports("http"), classic_api, mask_subgraph_errors=False)
    responses = await asyncio.gather(
        *(executor.execute(_plan(), {}, headers_for, "p") for _ in range(5))
    )
    await executor.close()
    assert classic_served.log.count("accounts") == 1
    assert classic_served.log.count("reviews") == 1
    assert all(r == responses[0] for r in responses)
    assert [u["username"] for u in responses[0]["data"]["users"]] == [u.username for u in USERS]


async def test_shared_answers_are_not_shared_between_principals(
    classic_served: Served, classic_api
) -> None:
    classic_served.log.clear()
    executor = Executor(classic_served.transports("http"), classic_api, mask_subgraph_errors=False)
    await asyncio.gather(
        executor.execute(_plan(), {}, headers_for, "alice"),
        executor.execute(_plan(), {}, headers_for, "bob"),
    )
    await executor.close()
    assert classic_served.log.count("accounts") == 2


async def test_sequential_identical_queries_are_each_sent(
    classic_served: Served, classic_api
) -> None:
    classic_served.log.clear()
    executor = Executor(classic_served.transports("http"), classic_api, mask_subgraph_errors=False)
    await executor.execute(_plan(), {}, headers_for, "p")
    await executor.execute(_plan(), {}, headers_for, "p")
    await executor.close()
    assert classic_served.log.count("accounts") == 2

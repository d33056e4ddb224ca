"""Subgraphs that are down, slow or answer garbage: partial data and a coded error."""

from __future__ import annotations

import pytest
from graphql import build_schema

from supergraph.execute import Executor
from supergraph.plan.nodes import QueryPlan, SequenceNode
from supergraph.transport import AsgiTransport, HttpTransport, SubgraphTransport
from tests.fixtures.federation.faults.catalog import ITEM_IDS
from tests.fixtures.federation.serve import free_port
from tests.supergraph.execute.conftest import (
    FAULTS_API_SDL,
    Served,
    headers_for,
    make_faults_executor,
)
from tests.supergraph.execute.handplans import entity_fetch, flatten, leaf, obj, root, root_fetch


def _ping_plan(service: str) -> QueryPlan:
    return QueryPlan(node=root_fetch(service, "ping"), shape=root(leaf("ping")))


def _items_with_ratings() -> QueryPlan:
    return QueryPlan(
        node=SequenceNode(
            (
                root_fetch("catalog", "items{__typename id name}"),
                flatten("items.@", entity_fetch("ratings", "Item", ["id"], "rating")),
            )
        ),
        shape=root(
            obj(
                "items",
                leaf("name", non_null=True),
                leaf("rating"),
                nullability=(True, True),
            )
        ),
    )


async def _crashing_app(scope, receive, send) -> None:
    raise RuntimeError("subgraph process crashed")


async def test_down_subgraph_gives_partial_data_and_subrequest_http_error(
    faults_served: Served,
) -> None:
    transports: dict[str, SubgraphTransport] = dict(faults_served.transports("http"))
    transports["ratings"] = HttpTransport("ratings", f"http://127.0.0.1:{free_port()}/graphql")
    executor = Executor(transports, build_schema(FAULTS_API_SDL), mask_subgraph_errors=False)
    response = await executor.execute(_items_with_ratings(), {}, headers_for, "p")
    await executor.close()
    assert response["data"] == {"items": [{"name": f"Item {i}", "rating": None} for i in ITEM_IDS]}
    (error,) = response["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "service": "ratings"}
    assert error["message"].startswith("HTTP fetch failed from 'ratings': ")


async def test_crashing_in_process_subgraph_gives_subrequest_http_error(
    faults_served: Served,
) -> None:
    transports: dict[str, SubgraphTransport] = dict(faults_served.transports("asgi"))
    transports["ratings"] = AsgiTransport("ratings", _crashing_app)
    executor = Executor(transports, build_schema(FAULTS_API_SDL), mask_subgraph_errors=False)
    response = await executor.execute(_items_with_ratings(), {}, headers_for, "p")
    assert response["data"] == {"items": [{"name": f"Item {i}", "rating": None} for i in ITEM_IDS]}
    assert response["errors"][0]["extensions"] == {
        "code": "SUBREQUEST_HTTP_ERROR",
        "service": "ratings",
        "status": 500,
    }


@pytest.mark.parametrize("kind", ["http", "asgi"])
async def test_slow_subgraph_gives_gateway_timeout(faults_served: Served, kind: str) -> None:
    executor = make_faults_executor(faults_served, kind, timeout=0.2)
    response = await executor.execute(_ping_plan("slow"), {}, headers_for, "p")
    await executor.close()
    assert response["data"] == {"ping": None}
    assert response["errors"] == [
        {
            "message": "HTTP fetch failed from 'slow': subgraph 'slow' did not answer within 0.2s",
            "extensions": {"code": "GATEWAY_TIMEOUT", "service": "slow"},
        }
    ]


@pytest.mark.parametrize("kind", ["http", "asgi"])
@pytest.mark.parametrize("service", ["notjson", "notgraphql"])
async def test_garbage_body_gives_subrequest_http_error(
    faults_served: Served, kind: str, service: str
) -> None:
    executor = make_faults_executor(faults_served, kind)
    response = await executor.execute(_ping_plan(service), {}, headers_for, "p")
    await executor.close()
    assert response == {
        "data": {"ping": None},
        "errors": [
            {
                "message": f"HTTP fetch failed from '{service}': subgraph '{service}' answered a "
                "body that is not a GraphQL response",
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "service": service},
            }
        ],
    }


@pytest.mark.parametrize("kind", ["http", "asgi"])
async def test_non_2xx_status_gives_subrequest_http_error_with_status(
    faults_served: Served, kind: str
) -> None:
    executor = make_faults_executor(faults_served, kind)
    response = await executor.execute(_ping_plan("servererror"), {}, headers_for, "p")
    await executor.close()
    assert response == {
        "data": {"ping": None},
        "errors": [
            {
                "message": "HTTP fetch failed from 'servererror': subgraph 'servererror' "
                "answered HTTP 500",
                "extensions": {
                    "code": "SUBREQUEST_HTTP_ERROR",
                    "service": "servererror",
                    "status": 500,
                },
            }
        ],
    }


async def test_failed_fetch_in_non_null_position_nulls_data_without_extra_errors(
    faults_served: Served,
) -> None:
    executor = make_faults_executor(faults_served, "asgi")
    plan = QueryPlan(
        node=root_fetch("servererror", "ping"), shape=root(leaf("ping", non_null=True))
    )
    response = await executor.execute(plan, {}, headers_for, "p")
    assert response["data"] is None
    assert [e["extensions"]["code"] for e in response["errors"]] == ["SUBREQUEST_HTTP_ERROR"]


async def test_plan_naming_an_unknown_subgraph_gives_an_error_not_an_exception(
    faults_served: Served,
) -> None:
    executor = make_faults_executor(faults_served, "asgi")
    response = await executor.execute(_ping_plan("nowhere"), {}, headers_for, "p")
    assert response["data"] == {"ping": None}
    assert response["errors"][0]["extensions"] == {
        "code": "SUBREQUEST_HTTP_ERROR",
        "service": "nowhere",
    }


async def test_malformed_plan_gives_an_internal_error_and_keeps_partial_data(
    faults_served: Served,
) -> None:
    from supergraph.plan.nodes import FlattenNode, ParallelNode

    executor = make_faults_executor(faults_served, "asgi")
    broken = FlattenNode(path=("items", "@"), node=root_fetch("ratings", "x"))  # no requires
    plan = QueryPlan(
        node=SequenceNode(
            (root_fetch("catalog", "items{__typename id}"), ParallelNode((broken, broken)))
        ),
        shape=root(obj("items", leaf("id", non_null=True), nullability=(True, True))),
    )
    response = await executor.execute(plan, {}, headers_for, "p")
    assert response == {
        "data": {"items": [{"id": i} for i in ITEM_IDS]},
        "errors": [
            {
                "message": "Internal error while executing the query plan",
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        ],
    }


async def test_fetch_observer_hears_every_fetch_with_its_outcome(faults_served: Served) -> None:
    transports: dict[str, SubgraphTransport] = dict(faults_served.transports("asgi"))
    transports["ratings"] = AsgiTransport("ratings", _crashing_app)
    executor = Executor(transports, build_schema(FAULTS_API_SDL), mask_subgraph_errors=False)
    heard: list[tuple[str, float, str | None]] = []
    broken = QueryPlan(
        node=root_fetch("catalog", "items{id broken}"),
        shape=root(
            obj("items", leaf("id", non_null=True), leaf("broken"), nullability=(True, True))
        ),
    )
    await executor.execute(
        _items_with_ratings(), {}, headers_for, "p", on_fetch=lambda *a: heard.append(a)
    )
    await executor.execute(broken, {}, headers_for, "p", on_fetch=lambda *a: heard.append(a))
    assert [(service, code) for service, _, code in heard] == [
        ("catalog", None),
        ("ratings", "SUBREQUEST_HTTP_ERROR"),
        ("catalog", "CATALOG_BROKEN"),
    ]
    assert all(seconds >= 0 for _, seconds, _ in heard)

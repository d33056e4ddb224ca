"""Errors subgraphs report: passed through or masked, re-pathed to the client, null propagation."""

from __future__ import annotations

from supergraph.execute import Executor
from supergraph.plan.nodes import QueryPlan, SequenceNode
from tests.fixtures.federation.faults.catalog import ITEM_IDS
from tests.supergraph.execute.conftest import Served, headers_for, make_faults_executor
from tests.supergraph.execute.handplans import entity_fetch, flatten, leaf, obj, root, root_fetch

NON_NULL_LIST = (True, True)


def _ratings_plan(field: str = "items", nullability: tuple[bool, ...] = NON_NULL_LIST) -> QueryPlan:
    return QueryPlan(
        node=SequenceNode(
            (
                root_fetch("catalog", f"{field}{{__typename id}}"),
                flatten(f"{field}.@", entity_fetch("ratings", "Item", ["id"], "rating")),
            )
        ),
        shape=root(obj(field, leaf("id", non_null=True), leaf("rating"), nullability=nullability)),
    )


def _score_plan(field: str, nullability: tuple[bool, ...]) -> QueryPlan:
    return QueryPlan(
        node=SequenceNode(
            (
                root_fetch("catalog", f"{field}{{__typename id}}"),
                flatten(f"{field}.@", entity_fetch("ratings", "Item", ["id"], "score")),
            )
        ),
        shape=root(
            obj(
                field,
                leaf("id", non_null=True),
                leaf("score", non_null=True),
                nullability=nullability,
            )
        ),
    )


async def test_root_fetch_errors_pass_through_with_their_code(faults_executor: Executor) -> None:
    plan = QueryPlan(
        node=root_fetch("catalog", "items{id broken}"),
        shape=root(
            obj("items", leaf("id", non_null=True), leaf("broken"), nullability=NON_NULL_LIST)
        ),
    )
    response = await faults_executor.execute(plan, {}, headers_for, "p")
    assert response == {
        "data": {"items": [{"id": i, "broken": None} for i in ITEM_IDS]},
        "errors": [
            {
                "message": f"catalog cannot describe item {i}",
                "path": ["items", n, "broken"],
                "extensions": {"code": "CATALOG_BROKEN", "service": "catalog"},
            }
            for n, i in enumerate(ITEM_IDS)
        ],
    }


async def test_entity_errors_are_repathed_to_the_client_path(faults_executor: Executor) -> None:
    response = await faults_executor.execute(_ratings_plan(), {}, headers_for, "p")
    assert response == {
        "data": {
            "items": [
                {"id": "1", "rating": None},
                {"id": "2", "rating": 20},
                {"id": "3", "rating": None},
                {"id": "4", "rating": None},  # unknown to ratings: a null entity
            ]
        },
        "errors": [
            {
                "message": f"no rating for item {i}",
                "path": ["items", n, "rating"],
                "extensions": {"code": "RATING_UNAVAILABLE", "service": "ratings"},
            }
            for n, i in ((0, "1"), (2, "3"))
        ],
    }


async def test_error_of_a_shared_representation_is_reported_at_every_path(
    faults_executor: Executor, faults_served: Served
) -> None:
    response = await faults_executor.execute(_ratings_plan("pair"), {}, headers_for, "p")
    assert response["data"] == {"pair": [{"id": "1", "rating": None}, {"id": "1", "rating": None}]}
    assert [e["path"] for e in response["errors"]] == [["pair", 0, "rating"], ["pair", 1, "rating"]]
    assert faults_served.log.count("ratings") == 1


async def test_masked_subgraph_errors_keep_code_and_path_only(faults_served: Served) -> None:
    executor = make_faults_executor(faults_served, "asgi", mask=True)
    response = await executor.execute(_ratings_plan(), {}, headers_for, "p")
    assert response["errors"] == [
        {
            "message": "Subgraph errors redacted",
            "path": ["items", n, "rating"],
            "extensions": {"code": "RATING_UNAVAILABLE", "service": "ratings"},
        }
        for n in (0, 2)
    ]


async def test_subgraph_error_without_code_gets_downstream_service_error(
    faults_executor: Executor,
) -> None:
    response = await faults_executor.execute(
        _score_plan("maybeItems", (False, False)), {}, headers_for, "p"
    )
    (error, *_) = response["errors"]
    assert error == {
        "message": "Cannot return null for non-nullable field Item.score.",
        "path": ["maybeItems", 1, "score"],
        "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "service": "ratings"},
    }


async def test_null_in_non_null_field_nulls_the_nearest_nullable_parent(
    faults_executor: Executor,
) -> None:
    response = await faults_executor.execute(
        _score_plan("maybeItems", (False, False)), {}, headers_for, "p"
    )
    assert response["data"] == {
        "maybeItems": [{"id": "1", "score": 101}, None, {"id": "3", "score": 103}, None]
    }


async def test_null_propagates_up_to_data_through_non_null_positions(
    faults_executor: Executor,
) -> None:
    response = await faults_executor.execute(
        _score_plan("items", NON_NULL_LIST), {}, headers_for, "p"
    )
    assert response["data"] is None
    assert response["errors"][0]["path"] == ["items", 1, "score"]


async def test_unexplained_null_in_non_null_field_gets_its_own_error(
    faults_executor: Executor,
) -> None:
    # ratings answers a null entity for item 4 without an error: the gateway must explain it.
    response = await faults_executor.execute(
        _score_plan("maybeItems", (False, False)), {}, headers_for, "p"
    )
    assert response["errors"][1:] == [
        {
            "message": "Cannot return null for non-nullable field at 'maybeItems.3.score'",
            "path": ["maybeItems", 3, "score"],
            "extensions": {"code": "NON_NULL_VIOLATION"},
        }
    ]


async def test_enum_value_the_client_may_not_see_becomes_null_with_an_error(
    faults_executor: Executor,
) -> None:
    plan = QueryPlan(
        node=root_fetch("catalog", "items{id name}"),
        shape=root(
            obj(
                "items",
                leaf("id", non_null=True),
                leaf("name", enum_values=frozenset({"Item 1", "Item 2"})),
                nullability=NON_NULL_LIST,
            )
        ),
    )
    response = await faults_executor.execute(plan, {}, headers_for, "p")
    assert response["data"] == {
        "items": [
            {"id": "1", "name": "Item 1"},
            {"id": "2", "name": "Item 2"},
            {"id": "3", "name": None},
            {"id": "4", "name": None},
        ]
    }
    assert [(e["path"], e["extensions"]["code"]) for e in response["errors"]] == [
        (["items", 2, "name"], "INACCESSIBLE_ENUM_VALUE"),
        (["items", 3, "name"], "INACCESSIBLE_ENUM_VALUE"),
    ]

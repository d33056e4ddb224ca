"""The executor over the classic four subgraphs: root fetches, entity fetches, merging, shaping."""

from __future__ import annotations

import orjson

from supergraph.execute import Executor
from supergraph.plan.nodes import ParallelNode, QueryPlan, SequenceNode
from tests.fixtures.federation.classic.data import (
    PRODUCTS,
    REVIEWS,
    USERS,
    USERS_BY_ID,
    in_stock,
    shipping_estimate,
)
from tests.supergraph.execute.conftest import Served, headers_for
from tests.supergraph.execute.handplans import (
    entity_fetch,
    flatten,
    leaf,
    obj,
    root,
    root_fetch,
    typename,
)


def _reviews_of_product(upc: str) -> list:
    return [r for r in REVIEWS if r.product_upc == upc]


def _top_products_plan(first: int = 3) -> QueryPlan:
    # { topProducts(first: N) { upc name shipping: shippingEstimate inStock
    #     reviews { body author { username name } } } }
    products = root_fetch(
        "products", f"topProducts(first:{first}){{__typename upc name price weight}}"
    )
    inventory = entity_fetch(
        "inventory", "Product", ["upc", "price", "weight"], "shipping:shippingEstimate inStock"
    )
    reviews = entity_fetch(
        "reviews", "Product", ["upc"], "reviews{body author{__typename id username}}"
    )
    accounts = entity_fetch("accounts", "User", ["id"], "name")
    node = SequenceNode(
        (
            products,
            ParallelNode(
                (
                    flatten("topProducts.@", inventory),
                    SequenceNode(
                        (
                            flatten("topProducts.@", reviews),
                            flatten("topProducts.@.reviews.@.author", accounts),
                        )
                    ),
                )
            ),
        )
    )
    shape = root(
        obj(
            "topProducts",
            leaf("upc", non_null=True),
            leaf("name"),
            leaf("shippingEstimate", alias="shipping"),
            leaf("inStock"),
            obj(
                "reviews",
                leaf("body"),
                obj("author", leaf("username"), leaf("name")),
                nullability=(False, False),
            ),
            nullability=(False, False),
        )
    )
    return QueryPlan(node=node, shape=shape)


def _expected_top_products(first: int) -> list[dict]:
    return [
        {
            "upc": p.upc,
            "name": p.name,
            "shipping": shipping_estimate(p.price, p.weight),
            "inStock": in_stock(p.upc),
            "reviews": [
                {
                    "body": r.body,
                    "author": {
                        "username": USERS_BY_ID[r.author_id].username,
                        "name": USERS_BY_ID[r.author_id].name,
                    },
                }
                for r in _reviews_of_product(p.upc)
            ],
        }
        for p in PRODUCTS[:first]
    ]


async def test_entity_fetches_merge_across_four_subgraphs(classic_executor: Executor) -> None:
    response = await classic_executor.execute(_top_products_plan(3), {}, headers_for, "p1")
    assert response == {"data": {"topProducts": _expected_top_products(3)}}


async def test_response_follows_client_order_not_subgraph_order(classic_executor: Executor) -> None:
    response = await classic_executor.execute(_top_products_plan(1), {}, headers_for, "p1")
    product = response["data"]["topProducts"][0]
    assert list(product) == ["upc", "name", "shipping", "inStock", "reviews"]
    # Representation-only fields (price, weight, __typename) never reach the client.
    assert "price" not in product and "__typename" not in product


async def test_entity_representations_are_sent_in_one_call_and_deduplicated(
    classic_executor: Executor, classic_served: Served
) -> None:
    await classic_executor.execute(_top_products_plan(5), {}, headers_for, "p1")
    log = classic_served.log
    assert log.count("accounts") == 1
    assert log.count("reviews") == 1
    (body,) = log.bodies["accounts"]
    representations = orjson.loads(body)["variables"]["representations"]
    # Every review's author is the same user: one representation for all of them.
    assert representations == [{"__typename": "User", "id": "1"}]
    (reviews_body,) = log.bodies["reviews"]
    assert [r["upc"] for r in orjson.loads(reviews_body)["variables"]["representations"]] == [
        p.upc for p in PRODUCTS[:5]
    ]


async def test_requires_fields_are_copied_into_representations(
    classic_executor: Executor, classic_served: Served
) -> None:
    await classic_executor.execute(_top_products_plan(2), {}, headers_for, "p1")
    (body,) = classic_served.log.bodies["inventory"]
    assert orjson.loads(body)["variables"]["representations"] == [
        {"__typename": "Product", "upc": p.upc, "price": p.price, "weight": p.weight}
        for p in PRODUCTS[:2]
    ]


async def test_headers_are_asked_once_per_subgraph_per_request(
    classic_served: Served, classic_api
) -> None:
    seen: list[str] = []

    def recording_headers(service: str) -> dict[str, str]:
        seen.append(service)
        return headers_for(service)

    executor = Executor(classic_served.transports("asgi"), classic_api, mask_subgraph_errors=False)
    await executor.execute(_top_products_plan(1), {}, recording_headers, "p1")
    assert sorted(seen) == ["accounts", "inventory", "products", "reviews"]
    await executor.execute(_top_products_plan(1), {}, recording_headers, "p1")
    assert len(seen) == 8


async def test_aliases_of_the_same_field_merge_separately(classic_executor: Executor) -> None:
    plan = QueryPlan(
        node=root_fetch("accounts", 'first:user(id:"1"){name} second:user(id:"2"){name username}'),
        shape=root(
            obj("user", leaf("name"), alias="first"),
            obj("user", leaf("username"), leaf("name"), alias="second"),
        ),
    )
    response = await classic_executor.execute(plan, {}, headers_for, "p1")
    assert response == {
        "data": {
            "first": {"name": USERS[0].name},
            "second": {"username": USERS[1].username, "name": USERS[1].name},
        }
    }


async def test_typename_constants_are_written_without_fetching(
    classic_executor: Executor, classic_served: Served
) -> None:
    plan = QueryPlan(
        node=root_fetch("accounts", "me{id}"),
        shape=root(
            typename("Query"),
            obj("me", typename("User", alias="kind"), leaf("id", non_null=True)),
        ),
    )
    response = await classic_executor.execute(plan, {}, headers_for, "p1")
    assert response == {"data": {"__typename": "Query", "me": {"kind": "User", "id": "1"}}}
    assert b"__typename" not in classic_served.log.bodies["accounts"][0]


async def test_nested_lists_of_entities_are_flattened_and_merged(
    classic_executor: Executor,
) -> None:
    # { users { username reviews { product { name } } } }
    plan = QueryPlan(
        node=SequenceNode(
            (
                root_fetch("accounts", "users{__typename id username}"),
                flatten(
                    "users.@",
                    entity_fetch("reviews", "User", ["id"], "reviews{product{__typename upc}}"),
                ),
                flatten(
                    "users.@.reviews.@.product",
                    entity_fetch("products", "Product", ["upc"], "name"),
                ),
            )
        ),
        shape=root(
            obj(
                "users",
                leaf("username"),
                obj(
                    "reviews",
                    obj("product", leaf("name")),
                    nullability=(False, False),
                ),
                nullability=(False, False),
            )
        ),
    )
    response = await classic_executor.execute(plan, {}, headers_for, "p1")
    expected = [
        {
            "username": u.username,
            "reviews": [
                {"product": {"name": f"Product {r.product_upc}"}}
                for r in [r for r in REVIEWS if r.author_id == u.id][:2]
            ],
        }
        for u in USERS
    ]
    assert response == {"data": {"users": expected}}


async def test_skip_and_include_conditions_follow_the_variables(classic_executor: Executor) -> None:
    plan = QueryPlan(
        node=root_fetch("accounts", "me{id name username}"),
        shape=root(
            obj(
                "me",
                leaf("id", conditions=(("withId", True),)),
                leaf("name", conditions=(("hideName", False),)),
                leaf("username", conditions=(("withId", True), ("hideName", False))),
            )
        ),
    )
    shown = await classic_executor.execute(
        plan, {"withId": True, "hideName": False}, headers_for, "p"
    )
    hidden = await classic_executor.execute(
        plan, {"withId": False, "hideName": True}, headers_for, "p"
    )
    assert shown == {"data": {"me": {"id": "1", "name": USERS[0].name, "username": "urigo"}}}
    assert hidden == {"data": {"me": {}}}


async def test_condition_node_runs_only_the_branch_the_variable_picks(
    classic_executor: Executor, classic_served: Served
) -> None:
    from supergraph.plan.nodes import ConditionNode

    plan = QueryPlan(
        node=ConditionNode("withMe", root_fetch("accounts", "me{id}"), None),
        shape=root(obj("me", leaf("id"), conditions=(("withMe", True),))),
    )
    skipped = await classic_executor.execute(plan, {"withMe": False}, headers_for, "p")
    assert skipped == {"data": {}}
    assert classic_served.log.count("accounts") == 0
    kept = await classic_executor.execute(plan, {"withMe": True}, headers_for, "p")
    assert kept == {"data": {"me": {"id": "1"}}}


async def test_client_variables_are_forwarded_to_the_fetch_that_uses_them(
    classic_executor: Executor,
) -> None:
    plan = QueryPlan(
        node=root_fetch("accounts", "user(id:$id){name}", variables="($id:ID!)", usages=("id",)),
        shape=root(obj("user", leaf("name"))),
    )
    response = await classic_executor.execute(plan, {"id": "3", "unused": 1}, headers_for, "p")
    assert response == {"data": {"user": {"name": USERS[2].name}}}


async def test_denied_field_is_null_with_an_unauthorized_error(
    classic_executor: Executor,
) -> None:
    plan = QueryPlan(
        node=root_fetch("accounts", "users{username}"),
        shape=root(
            obj(
                "users",
                leaf("username"),
                leaf("birthday", denied=True),
                nullability=(False, False),
            )
        ),
    )
    response = await classic_executor.execute(plan, {}, headers_for, "p")
    assert response["data"] == {
        "users": [{"username": u.username, "birthday": None} for u in USERS]
    }
    assert response["errors"] == [
        {
            "message": "Unauthorized field or type",
            "path": ["users", i, "birthday"],
            "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
        }
        for i in range(len(USERS))
    ]


async def test_denied_non_null_field_nulls_its_parent(classic_executor: Executor) -> None:
    plan = QueryPlan(
        node=root_fetch("accounts", "me{username}"),
        shape=root(obj("me", leaf("username"), leaf("id", non_null=True, denied=True))),
    )
    response = await classic_executor.execute(plan, {}, headers_for, "p")
    assert response == {
        "data": {"me": None},
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["me", "id"],
                "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
            }
        ],
    }


async def test_introspection_is_answered_from_the_api_schema(classic_executor: Executor) -> None:
    from graphql import parse

    plan = QueryPlan(
        node=root_fetch("accounts", "me{id}"),
        shape=root(
            obj("me", leaf("id")),
            obj(
                "__type",
                leaf("name"),
                obj("fields", leaf("name"), nullability=(False, True)),
                alias="userType",
            ),
        ),
        introspection=parse('{ userType: __type(name: "User") { name fields { name } } }'),
    )
    response = await classic_executor.execute(plan, {}, headers_for, "p")
    assert response == {
        "data": {
            "me": {"id": "1"},
            "userType": {
                "name": "User",
                "fields": [{"name": n} for n in ("id", "name", "username", "birthday", "reviews")],
            },
        }
    }

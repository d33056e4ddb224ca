"""The benchmark's nested query (bench/query.graphql) planned by hand, as the planner plans it."""

from __future__ import annotations

from typing import Any

from supergraph.plan.nodes import ParallelNode, QueryPlan, SequenceNode, ShapeField
from tests.fixtures.federation.classic.data import (
    PRODUCTS,
    REVIEWS,
    USERS,
    USERS_BY_ID,
    in_stock,
    shipping_estimate,
)
from tests.supergraph.execute.handplans import entity_fetch, flatten, leaf, obj, root, root_fetch

LIST = (False, False)
_REVIEW_PRODUCT = "reviews{id body product{__typename upc}}"
_USER_REVIEWS = f"reviews{{id body author{{__typename id username {_REVIEW_PRODUCT}}}}}"


def _products(path: str) -> tuple[Any, Any]:
    return (
        flatten(path, entity_fetch("products", "Product", ["upc"], "name price weight")),
        flatten(
            path,
            entity_fetch(
                "inventory", "Product", ["upc", "price", "weight"], "inStock shippingEstimate"
            ),
        ),
    )


def _accounts(path: str) -> Any:
    return flatten(path, entity_fetch("accounts", "User", ["id"], "name"))


def _product_fields(*more: ShapeField) -> tuple[ShapeField, ...]:
    return (
        leaf("inStock"),
        leaf("name"),
        leaf("price"),
        leaf("shippingEstimate"),
        leaf("upc", non_null=True),
        leaf("weight"),
        *more,
    )


def _user_fields(*more: ShapeField) -> tuple[ShapeField, ...]:
    return (leaf("id", non_null=True), leaf("username"), leaf("name"), *more)


def _review_fields(*more: ShapeField) -> tuple[ShapeField, ...]:
    return (leaf("id", non_null=True), leaf("body"), *more)


def bench_plan() -> QueryPlan:
    a1, a1i = _products("users.@.reviews.@.product")
    a2, a2i = _products("users.@.reviews.@.product.reviews.@.author.reviews.@.product")
    b2, b2i = _products("topProducts.@.reviews.@.author.reviews.@.product")
    users_branch = SequenceNode(
        (
            root_fetch("accounts", "users{__typename id username name}"),
            flatten(
                "users.@",
                entity_fetch(
                    "reviews",
                    "User",
                    ["id"],
                    f"reviews{{id body product{{__typename upc {_USER_REVIEWS}}}}}",
                ),
            ),
            ParallelNode((a1, _accounts("users.@.reviews.@.product.reviews.@.author"), a2)),
            ParallelNode((a1i, a2i)),
        )
    )
    products_branch = SequenceNode(
        (
            root_fetch("products", "topProducts{__typename upc name price weight}"),
            ParallelNode(
                (
                    _products("topProducts.@")[1],
                    SequenceNode(
                        (
                            flatten(
                                "topProducts.@",
                                entity_fetch("reviews", "Product", ["upc"], _USER_REVIEWS),
                            ),
                            ParallelNode(
                                (
                                    _accounts("topProducts.@.reviews.@.author"),
                                    SequenceNode((b2, b2i)),
                                )
                            ),
                        )
                    ),
                )
            ),
        )
    )
    inner_reviews = obj(
        "reviews", *_review_fields(obj("product", *_product_fields())), nullability=LIST
    )
    author = obj("author", *_user_fields(inner_reviews))
    shape = root(
        obj(
            "users",
            *_user_fields(
                obj(
                    "reviews",
                    *_review_fields(
                        obj(
                            "product",
                            *_product_fields(
                                obj("reviews", *_review_fields(author), nullability=LIST)
                            ),
                        )
                    ),
                    nullability=LIST,
                )
            ),
            nullability=LIST,
        ),
        obj(
            "topProducts",
            *_product_fields(obj("reviews", *_review_fields(author), nullability=LIST)),
            nullability=LIST,
        ),
    )
    return QueryPlan(node=ParallelNode((users_branch, products_branch)), shape=shape)


# ---------------------------------------------------------------- expected answer, from the data


def _product(upc: str, *, with_reviews: bool) -> dict[str, Any]:
    p = next(p for p in PRODUCTS if p.upc == upc)
    out: dict[str, Any] = {
        "inStock": in_stock(p.upc),
        "name": p.name,
        "price": p.price,
        "shippingEstimate": shipping_estimate(p.price, p.weight),
        "upc": p.upc,
        "weight": p.weight,
    }
    if with_reviews:
        out["reviews"] = [_review_with_author(r) for r in REVIEWS if r.product_upc == upc]
    return out


def _reviews_of(user_id: str) -> list[Any]:
    return [r for r in REVIEWS if r.author_id == user_id][:2]


def _review_with_author(review: Any) -> dict[str, Any]:
    u = USERS_BY_ID[review.author_id]
    return {
        "id": review.id,
        "body": review.body,
        "author": {
            "id": u.id,
            "username": u.username,
            "name": u.name,
            "reviews": [
                {"id": r.id, "body": r.body, "product": _product(r.product_upc, with_reviews=False)}
                for r in _reviews_of(u.id)
            ],
        },
    }


def bench_expected() -> dict[str, Any]:
    return {
        "users": [
            {
                "id": u.id,
                "username": u.username,
                "name": u.name,
                "reviews": [
                    {
                        "id": r.id,
                        "body": r.body,
                        "product": _product(r.product_upc, with_reviews=True),
                    }
                    for r in _reviews_of(u.id)
                ],
            }
            for u in USERS
        ],
        "topProducts": [_product(p.upc, with_reviews=True) for p in PRODUCTS[:5]],
    }

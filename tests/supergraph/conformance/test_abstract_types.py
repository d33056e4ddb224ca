"""abstract-types: interfaces and unions spread over subgraphs, with conditional fragments."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable", "@external", "@requires"])'
)
# id: (type, sku, title, size, weight, creator, publisher)
ITEMS: dict[str, tuple[str, str, str, str, float, str, dict[str, str]]] = {
    "p1": ("Book", "sku-1", "Book 1", "small", 0.5, "u1", {"__typename": "Agency", "id": "a1"}),
    "p3": ("Book", "sku-3", "Book 2", "large", 2.5, "u2", {"__typename": "Self", "email": "u2@x"}),
    "p2": (
        "Magazine",
        "sku-2",
        "Mag 1",
        "small",
        0.2,
        "u1",
        {"__typename": "Self", "email": "u1@x"},
    ),
    "p4": ("Magazine", "sku-4", "Mag 2", "small", 0.3, "u2", {"__typename": "Agency", "id": "a2"}),
}
SIMILAR = {"p1": ["p3"], "p2": ["p4"]}
REVIEWS = {"p1": [1, 2], "p2": [3]}


def _item(item_id: str) -> dict[str, Any]:
    kind, sku, title, size, weight, creator, publisher = ITEMS[item_id]
    return {
        "__typename": kind,
        "id": item_id,
        "sku": sku,
        "title": title,
        "dimensions": {"size": size, "weight": weight},
        "createdBy": {"email": f"{creator}@example.com"},
        "publisherType": publisher,
        "similar": [_item(other) for other in SIMILAR.get(item_id, [])],
    }


PRODUCTS = Subgraph(
    "products",
    f"""
    extend schema {LINK}
    type Query {{ products: [Product] similar(id: ID!): [Product] }}
    interface Product {{ id: ID! sku: String! dimensions: ProductDimension createdBy: User }}
    interface Similar {{ similar: [Product] }}
    type Book implements Product & Similar @key(fields: "id") {{
      id: ID! sku: String! title: String! dimensions: ProductDimension createdBy: User
      similar: [Product] publisherType: PublisherType
    }}
    type Magazine implements Product & Similar @key(fields: "id") {{
      id: ID! sku: String! title: String! dimensions: ProductDimension createdBy: User
      similar: [Product] publisherType: PublisherType
    }}
    type ProductDimension @shareable {{ size: String weight: Float }}
    type User @key(fields: "email") {{ email: ID! }}
    union PublisherType = Agency | Self
    type Agency @key(fields: "id") {{ id: ID! }}
    type Self {{ email: String }}
    """,
    root={
        "products": [_item(item_id) for item_id in ITEMS],
        "similar": lambda _info, id: [_item(other) for other in SIMILAR.get(id, [])],
    },
    entities={"Book": lambda rep: _item(rep["id"]), "Magazine": lambda rep: _item(rep["id"])},
)

USERS = Subgraph(
    "users",
    f"""
    extend schema {LINK}
    type User @key(fields: "email") {{ email: ID! totalProductsCreated: Int }}
    """,
    entities={"User": lambda rep: {"email": rep["email"], "totalProductsCreated": 2}},
)

AGENCY = Subgraph(
    "agency",
    f"""
    extend schema {LINK}
    type Agency @key(fields: "id") {{ id: ID! companyName: String }}
    """,
    entities={"Agency": lambda rep: {"id": rep["id"], "companyName": f"Agency {rep['id']}"}},
)


def _reviewed(rep: dict[str, Any]) -> dict[str, Any]:
    item_id = rep["id"]
    reviews = REVIEWS.get(item_id, [])
    return {
        "__typename": ITEMS[item_id][0],
        "id": item_id,
        "reviews": lambda _info: [
            {"id": review, "product": _reviewed({"id": item_id})} for review in reviews
        ],
        "reviewsCount": len(reviews),
    }


REVIEWS_SG = Subgraph(
    "reviews",
    f"""
    extend schema {LINK}
    interface Product {{ id: ID! reviews: [Review!]! }}
    type Book implements Product @key(fields: "id") {{
      id: ID! reviews: [Review!]! reviewsCount: Int!
    }}
    type Magazine implements Product @key(fields: "id") {{ id: ID! reviews: [Review!]! }}
    type Review {{ id: Int! product: Product }}
    """,
    entities={"Book": _reviewed, "Magazine": _reviewed},
)


def _delivery(rep: dict[str, Any]) -> dict[str, Any]:
    dimensions = rep.get("dimensions") or {}

    def delivery(_info: object, zip: str) -> dict[str, str] | None:
        if not dimensions:
            return None
        fastest = "same day" if dimensions["size"] == "small" else "next week"
        return {"fastestDelivery": fastest, "estimatedDelivery": f"{zip}: {dimensions['weight']}"}

    return {"id": rep["id"], "delivery": delivery}


INVENTORY = Subgraph(
    "inventory",
    f"""
    extend schema {LINK}
    type Book implements Product @key(fields: "id") {{
      id: ID!
      dimensions: ProductDimension @external
      delivery(zip: String): DeliveryEstimates @requires(fields: "dimensions {{ size weight }}")
    }}
    type Magazine implements Product @key(fields: "id") {{
      id: ID!
      dimensions: ProductDimension @external
      delivery(zip: String): DeliveryEstimates @requires(fields: "dimensions {{ size weight }}")
    }}
    interface Product {{ id: ID! delivery(zip: String): DeliveryEstimates }}
    type ProductDimension @shareable {{ size: String weight: Float }}
    type DeliveryEstimates {{ estimatedDelivery: String fastestDelivery: String }}
    """,
    entities={"Book": _delivery, "Magazine": _delivery},
)

SUBGRAPHS = [PRODUCTS, USERS, AGENCY, REVIEWS_SG, INVENTORY]


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway(SUBGRAPHS) as built:
        yield built


async def test_interface_field_of_a_shared_value_type(gateway: CaseGateway) -> None:
    response = await gateway.run("{ products { id dimensions { size } } }")
    assert response == {
        "data": {
            "products": [
                {"id": "p1", "dimensions": {"size": "small"}},
                {"id": "p3", "dimensions": {"size": "large"}},
                {"id": "p2", "dimensions": {"size": "small"}},
                {"id": "p4", "dimensions": {"size": "small"}},
            ]
        }
    }


async def test_requires_with_argument_on_each_implementation(gateway: CaseGateway) -> None:
    query = """
      { book: similar(id: "p1") {
          id sku delivery(zip: "1234") { fastestDelivery estimatedDelivery } }
        magazine: similar(id: "p2") { id delivery(zip: "99") { estimatedDelivery } } }
    """
    assert await gateway.run(query) == {
        "data": {
            "book": [
                {
                    "id": "p3",
                    "sku": "sku-3",
                    "delivery": {"fastestDelivery": "next week", "estimatedDelivery": "1234: 2.5"},
                }
            ],
            "magazine": [{"id": "p4", "delivery": {"estimatedDelivery": "99: 0.3"}}],
        }
    }


async def test_typename_through_several_fragments(gateway: CaseGateway) -> None:
    query = """
      { products { sku ... on Product { sku } ... on Book { sku } ... on Magazine { sku }
                   ... on Similar { __typename type: __typename } } }
    """
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {"sku": "sku-1", "__typename": "Book", "type": "Book"},
                {"sku": "sku-3", "__typename": "Book", "type": "Book"},
                {"sku": "sku-2", "__typename": "Magazine", "type": "Magazine"},
                {"sku": "sku-4", "__typename": "Magazine", "type": "Magazine"},
            ]
        }
    }


async def test_aliased_entity_field_and_a_fragment_field(gateway: CaseGateway) -> None:
    query = (
        "{ products { author: createdBy { email totalProductsCreated }"
        " ... on Magazine { title } } }"
    )
    author = {"email": "", "totalProductsCreated": 2}
    expected = []
    for _, (kind, _, title, _, _, creator, _) in ITEMS.items():
        item: dict[str, Any] = {"author": dict(author, email=f"{creator}@example.com")}
        if kind == "Magazine":
            item["title"] = title
        expected.append(item)
    assert await gateway.run(query) == {"data": {"products": expected}}


async def test_interface_of_another_subgraph_back_to_the_owner(gateway: CaseGateway) -> None:
    query = """
      { products { id reviews { product { sku ... on Magazine { title }
                                          ... on Book { reviewsCount } } } } }
    """
    book = {"product": {"sku": "sku-1", "reviewsCount": 2}}
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {"id": "p1", "reviews": [book, book]},
                {"id": "p3", "reviews": []},
                {"id": "p2", "reviews": [{"product": {"sku": "sku-2", "title": "Mag 1"}}]},
                {"id": "p4", "reviews": []},
            ]
        }
    }


CONDITIONAL = """
  query ($title: Boolean = %s) {
    products { id reviews { product { id %s ... on Magazine { sku } } } }
  }
"""


def _conditional(book: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {
            "products": [
                {"id": "p1", "reviews": [{"product": {"id": "p1", **book}}] * 2},
                {"id": "p3", "reviews": []},
                {"id": "p2", "reviews": [{"product": {"id": "p2", "sku": "sku-2"}}]},
                {"id": "p4", "reviews": []},
            ]
        }
    }


@pytest.mark.parametrize(
    ("default", "fragments", "book"),
    [
        ("true", "... on Book @include(if: $title) { title }", {"title": "Book 1"}),
        ("false", "... on Book @include(if: $title) { title }", {}),
        ("false", "... on Book @skip(if: $title) { title }", {"title": "Book 1"}),
        ("true", "... on Book @skip(if: $title) { title }", {}),
        ("true", "... on Book @skip(if: $title) { title } ... on Book { sku }", {"sku": "sku-1"}),
        (
            "false",
            "... on Book @skip(if: $title) { title } ... on Book { sku }",
            {"title": "Book 1", "sku": "sku-1"},
        ),
        (
            "true",
            "... on Book @include(if: $title) { title ... on Book { sku } }",
            {"title": "Book 1", "sku": "sku-1"},
        ),
        (
            "true",
            "... on Book @include(if: $title) { title ... on Book @skip(if: $title) { sku } }",
            {"title": "Book 1"},
        ),
    ],
)
async def test_conditional_fragments_on_entity_fields(
    gateway: CaseGateway, default: str, fragments: str, book: dict[str, Any]
) -> None:
    assert await gateway.run(CONDITIONAL % (default, fragments)) == _conditional(book)


async def test_named_fragment_on_a_union_through_an_interface(gateway: CaseGateway) -> None:
    query = """
      { products { id reviews { product { id
          ... on Magazine { publisherType { ...Publisher } }
          ... on Book { publisherType { ...Publisher } } } } } }
      fragment Publisher on PublisherType {
        ... on Agency { id companyName }
        ... on Self { email }
      }
    """
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {
                    "id": "p1",
                    "reviews": [
                        {
                            "product": {
                                "id": "p1",
                                "publisherType": {"id": "a1", "companyName": "Agency a1"},
                            }
                        }
                    ]
                    * 2,
                },
                {"id": "p3", "reviews": []},
                {
                    "id": "p2",
                    "reviews": [{"product": {"id": "p2", "publisherType": {"email": "u1@x"}}}],
                },
                {"id": "p4", "reviews": []},
            ]
        }
    }

"""Executable graphql-core schemas of the benchmark subgraphs, with Federation's entry points.

Each subgraph's SDL (`sdl.py`) is extended with what a Federation 2 subgraph serves besides its
own fields: `_service { sdl }` and `_entities(representations:)` over the `_Entity` union of its
entity types. Objects are plain dicts, read by graphql-core's default resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, GraphQLUnionType
from graphql import build_schema as build_graphql_schema

from bench.subgraphs import data
from bench.subgraphs.sdl import SUBGRAPH_SDL

Object = dict[str, Any]
EntityResolver = Callable[[Object], Object | None]

_FEDERATION_DEFINITIONS: Final = """
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION | OBJECT
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
scalar FieldSet
scalar _Any
type _Service { sdl: String }
"""


class UnknownSubgraphError(LookupError):
    """Raised for a subgraph name that is not one of the four benchmark subgraphs."""

    code = "BENCH_UNKNOWN_SUBGRAPH"


def _review(row: data.ReviewRow) -> Object:
    author = data.USERS_BY_ID[data.AUTHOR_ID]
    return {
        "__typename": "Review",
        "id": row["id"],
        "body": row["body"],
        "product": {"__typename": "Product", "upc": row["product_upc"]},
        # @provides(fields: "username"): the reviews subgraph answers the author's username itself.
        "author": {"__typename": "User", "id": author["id"], "username": author["username"]},
    }


def _user_reviews(user: Object, info: GraphQLResolveInfo) -> list[Object]:
    return [_review(row) for row in data.REVIEWS[: data.AUTHOR_REVIEW_COUNT]]


def _product_reviews(product: Object, info: GraphQLResolveInfo) -> list[Object]:
    return [_review(row) for row in data.REVIEWS if row["product_upc"] == product["upc"]]


def _shipping_estimate(product: Object, info: GraphQLResolveInfo) -> int | None:
    return data.shipping_estimate(product.get("price"), product.get("weight"))


def _account(user_id: object) -> Object | None:
    row = data.USERS_BY_ID.get(str(user_id))
    return None if row is None else {"__typename": "User", **row}


def _catalogue_product(upc: object) -> Object | None:
    row = data.PRODUCTS_BY_UPC.get(str(upc))
    return None if row is None else {"__typename": "Product", **row}


def _stock(representation: Object) -> Object | None:
    upc = str(representation.get("upc"))
    if upc not in data.PRODUCTS_BY_UPC:
        return None
    return {
        "__typename": "Product",
        "upc": upc,
        "price": representation.get("price"),
        "weight": representation.get("weight"),
        "inStock": data.in_stock(upc),
    }


def _review_entity(representation: Object) -> Object | None:
    row = data.REVIEWS_BY_ID.get(str(representation.get("id")))
    return None if row is None else _review(row)


def _reviewer(representation: Object) -> Object:
    return {
        "__typename": "User",
        "id": str(representation.get("id")),
        "username": representation.get("username"),
    }


def _reviewed_product(representation: Object) -> Object:
    return {"__typename": "Product", "upc": str(representation.get("upc"))}


_ENTITIES: Final[dict[str, dict[str, EntityResolver]]] = {
    "accounts": {"User": lambda rep: _account(rep.get("id"))},
    "inventory": {"Product": _stock},
    "products": {"Product": lambda rep: _catalogue_product(rep.get("upc"))},
    "reviews": {"Review": _review_entity, "User": _reviewer, "Product": _reviewed_product},
}


def _root_resolvers(name: str) -> dict[str, Callable[..., Any]]:
    if name == "accounts":
        return {
            "me": lambda _root, _info: _account(data.AUTHOR_ID),
            "user": lambda _root, _info, id: _account(id),
            "users": lambda _root, _info: [_account(row["id"]) for row in data.USERS],
        }
    if name == "products":
        return {
            "topProducts": lambda _root, _info, first=data.TOP_PRODUCTS_DEFAULT: [
                _catalogue_product(row["upc"]) for row in data.PRODUCTS[: max(first, 0)]
            ]
        }
    return {}


def _field_resolvers(name: str) -> dict[tuple[str, str], Callable[..., Any]]:
    if name == "inventory":
        return {("Product", "shippingEstimate"): _shipping_estimate}
    if name == "reviews":
        return {("User", "reviews"): _user_reviews, ("Product", "reviews"): _product_reviews}
    return {}


def build_subgraph_schema(name: str) -> GraphQLSchema:
    """The executable schema of one benchmark subgraph, Federation entry points included."""
    try:
        sdl = SUBGRAPH_SDL[name]
    except KeyError:
        raise UnknownSubgraphError(
            f"unknown benchmark subgraph {name!r}; expected one of {sorted(SUBGRAPH_SDL)}"
        ) from None
    entities = _ENTITIES[name]
    types = sdl.split("\n\n", 1)[1]  # drop the `extend schema @link` line: graphql-core ignores it
    entry_points = "  _entities(representations: [_Any!]!): [_Entity]!\n  _service: _Service!\n"
    query = "extend type Query" if "type Query" in types else "type Query"
    document = (
        _FEDERATION_DEFINITIONS
        + types
        + f"\nunion _Entity = {' | '.join(entities)}\n"
        + f"{query} {{\n{entry_points}}}\n"
    )
    schema = build_graphql_schema(document)

    query_type = schema.query_type
    assert query_type is not None
    for field_name, resolve in _root_resolvers(name).items():
        query_type.fields[field_name].resolve = resolve
    for (type_name, field_name), resolve in _field_resolvers(name).items():
        object_type = schema.get_type(type_name)
        assert isinstance(object_type, GraphQLObjectType)
        object_type.fields[field_name].resolve = resolve

    def resolve_entities(
        _root: object, _info: GraphQLResolveInfo, representations: list[Object]
    ) -> list[Object | None]:
        found: list[Object | None] = []
        for representation in representations:
            resolver = entities.get(str(representation.get("__typename")))
            found.append(None if resolver is None else resolver(representation))
        return found

    query_type.fields["_entities"].resolve = resolve_entities
    query_type.fields["_service"].resolve = lambda _root, _info: {"sdl": sdl}

    entity_union = schema.get_type("_Entity")
    assert isinstance(entity_union, GraphQLUnionType)
    entity_union.resolve_type = lambda value, _info, _type: value["__typename"]
    return schema

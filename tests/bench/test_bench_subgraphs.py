"""The benchmark subgraphs answer Federation requests exactly, over real HTTP on a free port."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from graphql import GraphQLObjectType, build_schema, graphql_sync, parse
from graphql.language import ObjectTypeDefinitionNode, StringValueNode

from bench.subgraphs import data
from bench.subgraphs.app import create_app
from bench.subgraphs.sdl import SUBGRAPH_SDL

BENCH = Path(__file__).resolve().parents[2] / "bench"

STOCK_QUERY = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { upc inStock shippingEstimate }
  }
}
"""

REVIEWER_QUERY = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id reviews { id product { upc } author { id username } } }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
async def subgraphs_url() -> AsyncIterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def _post(url: str, body: Any) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(url, json=body)


async def _graphql(url: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = await _post(url, {"query": query, "variables": variables})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("name", sorted(SUBGRAPH_SDL))
async def test_service_sdl_is_the_subgraphs_federation_sdl(subgraphs_url: str, name: str) -> None:
    answer = await _graphql(f"{subgraphs_url}/{name}", "{ _service { sdl } }")
    assert answer == {"data": {"_service": {"sdl": SUBGRAPH_SDL[name]}}}


def _join_graphs(directives: Any, directive: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for node in directives or ():
        if node.name.value != directive:
            continue
        args = {arg.name.value: arg.value for arg in node.arguments or ()}
        graph = args["graph"].value.lower()
        found[graph] = {
            key: value.value for key, value in args.items() if isinstance(value, StringValueNode)
        }
    return found


@pytest.mark.parametrize("name", sorted(SUBGRAPH_SDL))
def test_subgraph_sdl_agrees_with_the_benchmark_supergraph(name: str) -> None:
    supergraph = {
        node.name.value: node
        for node in parse((BENCH / "supergraph.graphql").read_text()).definitions
        if isinstance(node, ObjectTypeDefinitionNode)
    }
    own = parse(SUBGRAPH_SDL[name].split("\n\n", 1)[1])
    for definition in own.definitions:
        assert isinstance(definition, ObjectTypeDefinitionNode)
        merged = supergraph[definition.name.value]
        type_joins = _join_graphs(merged.directives, "join__type")
        assert name in type_joins, f"{definition.name.value} not joined to {name}"
        keys = [d for d in definition.directives or () if d.name.value == "key"]
        if keys:
            key = (keys[0].arguments or ())[0].value
            assert isinstance(key, StringValueNode)
            assert type_joins[name]["key"] == key.value
        merged_fields = {field.name.value: field for field in merged.fields or ()}
        for field in definition.fields or ():
            assert field.name.value in merged_fields, f"{definition.name.value}.{field.name.value}"
            joins = _join_graphs(merged_fields[field.name.value].directives, "join__field")
            if joins:
                assert name in joins, f"{definition.name.value}.{field.name.value} not in {name}"


async def test_inventory_entities_derive_shipping_from_required_price_and_weight(
    subgraphs_url: str,
) -> None:
    representations = [
        {"__typename": "Product", "upc": "1", "price": 899, "weight": 100},
        {"__typename": "Product", "upc": "2", "price": 1299, "weight": 1000},
        {"__typename": "Product", "upc": "3"},
    ]
    answer = await _graphql(
        f"{subgraphs_url}/inventory", STOCK_QUERY, {"representations": representations}
    )
    assert answer == {
        "data": {
            "_entities": [
                {"upc": "1", "inStock": True, "shippingEstimate": 50},
                {"upc": "2", "inStock": False, "shippingEstimate": 0},
                {"upc": "3", "inStock": True, "shippingEstimate": None},
            ]
        }
    }


async def test_reviews_user_entity_has_the_first_two_reviews_by_urigo(subgraphs_url: str) -> None:
    answer = await _graphql(
        f"{subgraphs_url}/reviews",
        REVIEWER_QUERY,
        {"representations": [{"__typename": "User", "id": "4"}]},
    )
    urigo = {"id": "1", "username": "urigo"}
    assert answer == {
        "data": {
            "_entities": [
                {
                    "id": "4",
                    "reviews": [
                        {"id": "1", "product": {"upc": "1"}, "author": urigo},
                        {"id": "2", "product": {"upc": "1"}, "author": urigo},
                    ],
                }
            ]
        }
    }


async def test_accounts_root_query_lists_the_six_users(subgraphs_url: str) -> None:
    answer = await _graphql(f"{subgraphs_url}/accounts", "{ users { id username } me { name } }")
    assert answer == {
        "data": {
            "users": [
                {"id": "1", "username": "urigo"},
                {"id": "2", "username": "mellison"},
                {"id": "3", "username": "twrona"},
                {"id": "4", "username": "icarvalho"},
                {"id": "5", "username": "kmensah"},
                {"id": "6", "username": "lvogt"},
            ],
            "me": {"name": "Uri Goldshtein"},
        }
    }


async def test_products_top_products_defaults_to_the_first_five(subgraphs_url: str) -> None:
    answer = await _graphql(f"{subgraphs_url}/products", "{ topProducts { upc name price } }")
    assert [product["upc"] for product in answer["data"]["topProducts"]] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert answer["data"]["topProducts"][1] == {"upc": "2", "name": "Sofa", "price": 1299}


async def test_a_repeated_request_gets_the_same_answer(subgraphs_url: str) -> None:
    query = "{ topProducts(first: 2) { upc weight } }"
    first = await _graphql(f"{subgraphs_url}/products", query)
    second = await _graphql(f"{subgraphs_url}/products", query)
    assert (
        first
        == second
        == {"data": {"topProducts": [{"upc": "1", "weight": 100}, {"upc": "2", "weight": 1000}]}}
    )


async def test_body_that_is_not_json_is_a_400_naming_the_problem(subgraphs_url: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{subgraphs_url}/accounts", content=b"{nope")
    assert response.status_code == 400
    assert "not JSON" in response.json()["errors"][0]["message"]


async def test_unknown_subgraph_path_is_a_404(subgraphs_url: str) -> None:
    response = await _post(f"{subgraphs_url}/shipping", {"query": "{ __typename }"})
    assert response.status_code == 404
    assert "shipping" in response.json()["errors"][0]["message"]


def _reference_schema() -> Any:
    """The supergraph's types over the same data, resolved in one process with no federation."""
    schema = build_schema((BENCH / "supergraph.graphql").read_text())

    def product(upc: str) -> dict[str, Any]:
        row = data.PRODUCTS_BY_UPC[upc]
        return {
            **row,
            "inStock": data.in_stock(upc),
            "shippingEstimate": data.shipping_estimate(row["price"], row["weight"]),
        }

    def review(row: data.ReviewRow) -> dict[str, Any]:
        return {"id": row["id"], "body": row["body"], "product": product(row["product_upc"])}

    def user(row: data.UserRow) -> dict[str, Any]:
        return dict(row)

    def resolvers() -> dict[tuple[str, str], Any]:
        return {
            ("Query", "users"): lambda *_: [user(row) for row in data.USERS],
            ("Query", "topProducts"): lambda _r, _i, first=5: [
                product(row["upc"]) for row in data.PRODUCTS[:first]
            ],
            ("User", "reviews"): lambda *_: [review(row) for row in data.REVIEWS[:2]],
            ("Review", "author"): lambda *_: user(data.USERS_BY_ID["1"]),
            ("Product", "reviews"): lambda p, _i: [
                review(row) for row in data.REVIEWS if row["product_upc"] == p["upc"]
            ],
        }

    for (type_name, field_name), resolve in resolvers().items():
        object_type = schema.get_type(type_name)
        assert isinstance(object_type, GraphQLObjectType)
        object_type.fields[field_name].resolve = resolve
    return schema


def test_expected_json_is_the_nested_query_over_the_benchmark_data() -> None:
    result = graphql_sync(
        _reference_schema(), (BENCH / "query.graphql").read_text(), operation_name="TestQuery"
    )
    assert result.errors is None
    assert json.loads((BENCH / "expected.json").read_text()) == result.formatted

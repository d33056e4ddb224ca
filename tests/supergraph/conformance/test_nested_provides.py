"""nested-provides: a nested `@provides` path is answered by the providing fetch alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable", "@external", "@provides"])'
)
CATEGORIES = {"c1": ("Tools", ["c2"]), "c2": ("Hammers", []), "c3": ("Garden", ["c1"])}
PRODUCTS = {"p1": ["c1", "c3"], "p2": ["c2"]}


def _poor_plan(rep: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError(f"an entity call was made although @provides covers it: {rep}")


def _category(category_id: str, depth: int = 1) -> dict[str, Any]:
    name, children = CATEGORIES[category_id]
    found: dict[str, Any] = {"id": category_id, "name": name}
    if depth:
        found["subCategories"] = [_category(child, depth - 1) for child in children]
    return found


ALL_PRODUCTS = Subgraph(
    "all-products",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{ id: ID! }}
    """,
    entities={"Product": _poor_plan},
)

CATEGORY = Subgraph(
    "category",
    f"""
    extend schema {LINK}
    type Query {{
      products: [Product] @shareable
        @provides(fields: "categories {{ id name subCategories {{ id name }} }}")
    }}
    type Product @key(fields: "id") {{ id: ID! categories: [Category] @external }}
    type Category @key(fields: "id") {{
      id: ID!
      name: String
      subCategories: [Category] @external
    }}
    """,
    root={
        "products": [
            {"id": product_id, "categories": [_category(c) for c in categories]}
            for product_id, categories in PRODUCTS.items()
        ]
    },
    entities={"Product": _poor_plan, "Category": _poor_plan},
)

SUBCATEGORIES = Subgraph(
    "subcategories",
    f"""
    extend schema {LINK}
    type Product @key(fields: "id") {{ id: ID! categories: [Category] @shareable }}
    type Category @key(fields: "id") {{ id: ID! subCategories: [Category] @shareable }}
    """,
    entities={"Product": _poor_plan, "Category": _poor_plan},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([ALL_PRODUCTS, CATEGORY, SUBCATEGORIES]) as built:
        yield built


async def test_nested_provided_fields_take_one_fetch(gateway: CaseGateway) -> None:
    gateway.clear()
    query = "{ products { id categories { id name subCategories { id name } } } }"
    assert await gateway.run(query) == {
        "data": {
            "products": [
                {
                    "id": "p1",
                    "categories": [
                        {
                            "id": "c1",
                            "name": "Tools",
                            "subCategories": [{"id": "c2", "name": "Hammers"}],
                        },
                        {
                            "id": "c3",
                            "name": "Garden",
                            "subCategories": [{"id": "c1", "name": "Tools"}],
                        },
                    ],
                },
                {"id": "p2", "categories": [{"id": "c2", "name": "Hammers", "subCategories": []}]},
            ]
        }
    }
    assert [name for name, s in gateway.subgraphs.items() if s.received] == ["category"]


async def test_a_part_of_the_provided_path_takes_one_fetch(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ products { categories { name } } }") == {
        "data": {
            "products": [
                {"categories": [{"name": "Tools"}, {"name": "Garden"}]},
                {"categories": [{"name": "Hammers"}]},
            ]
        }
    }
    assert [name for name, s in gateway.subgraphs.items() if s.received] == ["category"]

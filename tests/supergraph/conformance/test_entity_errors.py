"""Entity errors: one failing representation nulls only its objects, with the error re-pathed
to the client's path, and non-null fields propagate the null as the spec says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'


def _stock(rep: dict[str, Any]) -> dict[str, Any]:
    if rep["id"] == "2":
        raise ValueError("no stock for 2")
    return {"id": rep["id"], "stock": 5, "strict": 1}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ items: [Item!]! maybe: [Item] one: Item }}
    type Item @key(fields: "id") {{ id: ID! }}
    """,
    root={
        "items": [{"id": "1"}, {"id": "2"}],
        "maybe": [{"id": "1"}, {"id": "2"}],
        "one": {"id": "2"},
    },
)

B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Item @key(fields: "id") {{ id: ID! stock: Int strict: Int! }}
    """,
    entities={"Item": _stock},
)

ERROR = {
    "message": "no stock for 2",
    "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "service": "b"},
}


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_failing_entity_nulls_only_its_nullable_field(gateway: CaseGateway) -> None:
    assert await gateway.run("{ items { id stock } }") == {
        "data": {"items": [{"id": "1", "stock": 5}, {"id": "2", "stock": None}]},
        "errors": [{**ERROR, "path": ["items", 1]}],
    }


async def test_non_null_field_nulls_the_nearest_nullable_parent(gateway: CaseGateway) -> None:
    assert await gateway.run("{ maybe { id strict } }") == {
        "data": {"maybe": [{"id": "1", "strict": 1}, None]},
        "errors": [{**ERROR, "path": ["maybe", 1]}],
    }


async def test_null_propagates_to_data_through_non_null_lists(gateway: CaseGateway) -> None:
    assert await gateway.run("{ items { id strict } }") == {
        "data": None,
        "errors": [{**ERROR, "path": ["items", 1]}],
    }


async def test_single_entity_error(gateway: CaseGateway) -> None:
    assert await gateway.run("{ one { strict } }") == {
        "data": {"one": None},
        "errors": [{**ERROR, "path": ["one"]}],
    }

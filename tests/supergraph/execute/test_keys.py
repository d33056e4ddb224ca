"""Entity fetches by compound, nested and alternative keys, over the `keys` fixture set."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest_asyncio
from graphql import build_schema

from supergraph.execute import Executor
from supergraph.plan.nodes import ParallelNode, QueryPlan, RequiredField, SequenceNode
from tests.fixtures.federation import keys
from tests.fixtures.federation.keys.depots import DEPOTS, STATUS
from tests.fixtures.federation.keys.packages import PACKAGES
from tests.fixtures.federation.keys.scans import SCANS
from tests.fixtures.federation.serve import RequestLog, serve_http
from tests.supergraph.execute.conftest import Served, headers_for
from tests.supergraph.execute.handplans import entity_fetch, flatten, leaf, obj, root, root_fetch

API_SDL = """
type Query { packages: [Package!]! depots: [Depot!]! scans: [Scan!]! }
type Package { sku: String! batch: Int! barcode: String! label: String! status: String }
type Depot { id: ID! region: Region! name: String! scanCount: Int! }
type Region { code: String! }
type Scan { id: ID! package: Package! depot: Depot! }
"""
NON_NULL_LIST = (True, True)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def keys_executor() -> AsyncIterator[tuple[Executor, Served]]:
    log = RequestLog()
    async with serve_http(keys.SUBGRAPHS, log) as urls:
        served = Served(keys.SUBGRAPHS, urls, log)
        executor = Executor(
            served.transports("http"), build_schema(API_SDL), mask_subgraph_errors=False
        )
        yield executor, served
        await executor.close()


async def test_nested_and_alternative_keys_resolve_entities(
    keys_executor: tuple[Executor, Served],
) -> None:
    executor, served = keys_executor
    served.log.clear()
    # { scans { id package { label status } depot { name scanCount } } }
    plan = QueryPlan(
        node=SequenceNode(
            (
                root_fetch(
                    "scans",
                    "scans{id package{__typename barcode}"
                    " depot{__typename id region{code} scanCount}}",
                ),
                ParallelNode(
                    (
                        flatten(
                            "scans.@.package",
                            entity_fetch("packages", "Package", ["barcode"], "label"),
                        ),
                        flatten(
                            "scans.@.package",
                            entity_fetch("depots", "Package", ["barcode"], "status"),
                        ),
                        flatten(
                            "scans.@.depot",
                            entity_fetch(
                                "depots",
                                "Depot",
                                ["id", RequiredField("region", (RequiredField("code"),))],
                                "name",
                            ),
                        ),
                    )
                ),
            )
        ),
        shape=root(
            obj(
                "scans",
                leaf("id", non_null=True),
                obj("package", leaf("label", non_null=True), leaf("status"), nullability=(True,)),
                obj(
                    "depot",
                    leaf("name", non_null=True),
                    leaf("scanCount", non_null=True),
                    nullability=(True,),
                ),
                nullability=NON_NULL_LIST,
            )
        ),
    )
    response = await executor.execute(plan, {}, headers_for, "p")
    labels = {barcode: f"{sku}#{batch}" for sku, batch, barcode in PACKAGES}
    names = {(i, c): n for i, c, n in DEPOTS}
    assert response == {
        "data": {
            "scans": [
                {
                    "id": scan_id,
                    "package": {"label": labels[barcode], "status": STATUS[barcode]},
                    "depot": {
                        "name": names[(depot, code)],
                        "scanCount": sum(1 for s in SCANS if (s[2], s[3]) == (depot, code)),
                    },
                }
                for scan_id, barcode, depot, code in SCANS
            ]
        }
    }
    depot_bodies = [
        orjson.loads(b)["variables"]["representations"] for b in served.log.bodies["depots"]
    ]
    assert [{"__typename": "Depot", "id": "d1", "region": {"code": "NL"}}] == [
        r for reps in depot_bodies for r in reps if r["__typename"] == "Depot"
    ][:1]


async def test_compound_key_representation_holds_every_key_field(
    keys_executor: tuple[Executor, Served],
) -> None:
    executor, served = keys_executor
    served.log.clear()
    # { packages { sku batch status } } -- depots knows Package only by barcode
    plan = QueryPlan(
        node=SequenceNode(
            (
                root_fetch("packages", "packages{__typename sku batch barcode}"),
                flatten("packages.@", entity_fetch("depots", "Package", ["barcode"], "status")),
            )
        ),
        shape=root(
            obj(
                "packages",
                leaf("sku", non_null=True),
                leaf("batch", non_null=True),
                leaf("status"),
                nullability=NON_NULL_LIST,
            )
        ),
    )
    response = await executor.execute(plan, {}, headers_for, "p")
    assert response == {
        "data": {
            "packages": [
                {"sku": sku, "batch": batch, "status": STATUS[barcode]}
                for sku, batch, barcode in PACKAGES
            ]
        }
    }

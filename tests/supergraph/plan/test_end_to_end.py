"""Plans from the planner, run by the executor against real fixture subgraphs (in-process ASGI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import strawberry
from graphql import parse, validate

from supergraph.execute import Executor
from supergraph.model import Supergraph
from supergraph.plan import QueryPlanner
from supergraph.transport import AsgiTransport
from tests.fixtures.federation import abstract, classic, keys, mutations
from tests.fixtures.federation.serve import RequestLog, asgi_apps
from tests.supergraph.execute.benchplan import bench_expected
from tests.supergraph.plan.planning import FIXTURES

FEDERATION = Path(__file__).parents[2] / "fixtures" / "federation"


async def _run(
    supergraph_file: Path,
    subgraphs: dict[str, strawberry.federation.Schema],
    query: str,
    operation_name: str | None = None,
) -> dict[str, Any]:
    sg = Supergraph.from_sdl(supergraph_file.read_text())
    document = parse(query)
    assert not validate(sg.api_schema, document)
    plan = QueryPlanner(sg).plan(document, operation_name)
    apps = asgi_apps(subgraphs, RequestLog())
    transports = {name: AsgiTransport(name, app, 10.0) for name, app in apps.items()}
    executor = Executor(transports, sg.api_schema, mask_subgraph_errors=False)
    try:
        return await executor.execute(
            plan, {}, lambda s: {"x-internal-token": f"test-token-for-{s}"}, "p"
        )
    finally:
        await executor.close()


async def test_bench_query_planned_and_executed_gives_the_full_response() -> None:
    query = (FIXTURES / "bench_query.graphql").read_text()
    response = await _run(
        FEDERATION / "classic" / "supergraph.graphql", classic.SUBGRAPHS, query, "TestQuery"
    )
    assert response == {"data": bench_expected()}


async def test_interface_object_fields_merge_into_concrete_objects() -> None:
    query = "{ media { __typename title stars ... on Book { pages } } }"
    response = await _run(FEDERATION / "abstract" / "supergraph.graphql", abstract.SUBGRAPHS, query)
    assert "errors" not in response, response
    media = response["data"]["media"]
    assert media and all("stars" in m and "title" in m for m in media)
    assert all(("pages" in m) == (m["__typename"] == "Book") for m in media)


async def test_interface_object_root_learns_the_concrete_type() -> None:
    query = "{ topRated { __typename title stars } }"
    response = await _run(FEDERATION / "abstract" / "supergraph.graphql", abstract.SUBGRAPHS, query)
    assert "errors" not in response, response
    assert {m["__typename"] for m in response["data"]["topRated"]} <= {"Book", "Movie"}


async def test_union_members_are_completed_by_their_subgraphs() -> None:
    query = '{ search(term: "") { __typename ... on Book { title stars } ... on Shelf { label } } }'
    response = await _run(FEDERATION / "abstract" / "supergraph.graphql", abstract.SUBGRAPHS, query)
    assert "errors" not in response, response
    for item in response["data"]["search"]:
        expected = {"Book": {"__typename", "title", "stars"}, "Shelf": {"__typename", "label"}}
        assert set(item) == expected.get(item["__typename"], {"__typename"})


async def test_nested_compound_keys_reach_both_subgraphs() -> None:
    query = "{ scans { depot { name scanCount region { code } } package { label status } } }"
    response = await _run(FEDERATION / "keys" / "supergraph.graphql", keys.SUBGRAPHS, query)
    assert "errors" not in response, response
    for scan in response["data"]["scans"]:
        assert set(scan["depot"]) == {"name", "scanCount", "region"}
        assert set(scan["package"]) == {"label", "status"}


async def test_mutations_run_in_the_order_asked() -> None:
    query = (
        'mutation { a: addEntry(text: "x") { id text } recordNote(note: "n") '
        'b: addEntry(text: "y") { id } }'
    )
    mutations.CALLS.clear()
    try:
        response = await _run(
            FEDERATION / "mutations" / "supergraph.graphql", mutations.SUBGRAPHS, query
        )
        assert mutations.CALLS == ["ledger.addEntry:x", "audit.recordNote:n", "ledger.addEntry:y"]
    finally:
        mutations.CALLS.clear()
    assert "errors" not in response, response
    data = response["data"]
    assert list(data) == ["a", "recordNote", "b"]
    assert int(data["a"]["id"]) < int(data["b"]["id"])

"""`/health` and `/ready`."""

from __future__ import annotations

from tests.fixtures.federation.serve import free_port
from tests.supergraph.http.stack import EdgeStack, app_over, edge_stack


async def test_health_answers_while_the_process_lives(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_loaded_and_every_subgraph_answers(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json()["subgraphs"] == {"catalog": "ok", "users": "ok"}


async def test_not_ready_without_a_supergraph() -> None:
    async with edge_stack(load=False) as stack, stack.client() as client:
        ready = await client.get("/ready")
        query = await client.post("/graphql", json={"query": "{ products { id } }"})
    assert ready.status_code == 503
    assert ready.json()["reason"] == "no supergraph loaded"
    assert query.status_code == 503
    assert query.json()["errors"][0]["extensions"]["code"] == "SUPERGRAPH_NOT_LOADED"


async def test_not_ready_names_the_subgraph_that_does_not_answer(edge: EdgeStack) -> None:
    edge.require_loaded()
    urls = {**edge.urls, "catalog": f"http://127.0.0.1:{free_port()}/graphql"}
    async with app_over(edge.identity, edge.received, urls) as stack, stack.client() as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["subgraphs"]["users"] == "ok"
    assert body["subgraphs"]["catalog"] != "ok"
    assert "catalog" in body["reason"]

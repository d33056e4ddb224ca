"""GraphQL over HTTP: methods, media types and the status code of every refusal."""

from __future__ import annotations

import orjson

from tests.supergraph.http.stack import PREFLIGHT, EdgeStack

GRAPHQL_RESPONSE = "application/graphql-response+json"
RENAME = "mutation R($id: ID!, $name: String!) { rename(id: $id, name: $name) { SEL } }"


def code_of(response: object) -> str:
    body = orjson.loads(response.content)  # type: ignore[attr-defined]
    return str(body["errors"][0]["extensions"]["code"])


async def test_post_json_query_is_answered_with_data(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post("/graphql", json={"query": "{ products { id name } }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "data": {"products": [{"id": "p1", "name": "Lamp"}, {"id": "p2", "name": "Desk"}]}
    }


async def test_graphql_response_json_is_used_when_the_client_accepts_it(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql", json={"query": "{ products { id } }"}, headers={"Accept": GRAPHQL_RESPONSE}
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_unparsable_document_is_400(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post("/graphql", json={"query": "{ products { id "})
    assert response.status_code == 400
    assert code_of(response) == "GRAPHQL_PARSE_FAILED"


async def test_invalid_document_is_400_with_graphql_response_json(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ products { nope } }"},
            headers={"Accept": GRAPHQL_RESPONSE},
        )
    assert response.status_code == 400
    assert code_of(response) == "GRAPHQL_VALIDATION_FAILED"
    assert "nope" in response.json()["errors"][0]["message"]


async def test_invalid_document_is_legacy_200_with_application_json(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ products { nope } }"},
            headers={"Accept": "application/json"},
        )
    assert response.status_code == 200
    assert code_of(response) == "GRAPHQL_VALIDATION_FAILED"
    assert "data" not in response.json()


async def test_body_that_is_not_json_is_400(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post(
            "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400
    assert code_of(response) == "INVALID_JSON"


async def test_missing_query_is_400(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post("/graphql", json={"variables": {}})
    assert response.status_code == 400
    assert "query" in response.json()["errors"][0]["message"]


async def test_variables_that_are_not_an_object_are_400(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post(
            "/graphql", json={"query": "{ products { id } }", "variables": [1]}
        )
    assert response.status_code == 400
    assert "'variables' must be a JSON object" in response.json()["errors"][0]["message"]


async def test_batched_array_body_is_400(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post("/graphql", json=[{"query": "{ products { id } }"}])
    assert response.status_code == 400
    assert "Batched" in response.json()["errors"][0]["message"]


async def test_unsupported_content_type_is_415(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post(
            "/graphql", content=b"<query/>", headers={"Content-Type": "application/xml"}
        )
    assert response.status_code == 415
    assert code_of(response) == "UNSUPPORTED_MEDIA_TYPE"


async def test_simple_content_type_with_preflight_header_is_415_not_csrf(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            content=b'{"query":"{ products { id } }"}',
            headers={"Content-Type": "text/plain", **PREFLIGHT},
        )
    assert response.status_code == 415


async def test_accept_without_a_graphql_media_type_is_406(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post(
            "/graphql", json={"query": "{ products { id } }"}, headers={"Accept": "text/csv"}
        )
    assert response.status_code == 406


async def test_put_is_405_with_allow(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.put("/graphql", json={"query": "{ products { id } }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


async def test_get_query_is_answered(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.get(
            "/graphql",
            params={
                "query": "query P($n: Boolean!) { products { id @include(if: $n) } }",
                "variables": '{"n": true}',
            },
            headers=PREFLIGHT,
        )
    assert response.status_code == 200
    assert response.json()["data"]["products"][0] == {"id": "p1"}


async def test_get_mutation_is_405_allowing_post(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.get(
            "/graphql",
            params={"query": 'mutation { rename(id: "p1", name: "x") { id } }'},
            headers=PREFLIGHT,
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert edge.received["catalog"].bodies == []


async def test_unknown_operation_name_is_400(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql", json={"query": "query A { products { id } }", "operationName": "B"}
        )
    assert response.status_code == 400
    assert code_of(response) == "GRAPHQL_UNKNOWN_OPERATION_NAME"
    assert "'B'" in response.json()["errors"][0]["message"]


async def test_variables_failing_coercion_are_400(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            json={
                "query": RENAME.replace("SEL", "id"),
                "variables": {"id": "p1", "name": {"not": "a string"}},
            },
        )
    assert response.status_code == 400
    assert code_of(response) == "BAD_USER_INPUT"
    assert "$name" in response.json()["errors"][0]["message"]
    assert edge.received["catalog"].bodies == []


async def test_coerced_variables_reach_the_subgraph(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            json={
                "query": RENAME.replace("SEL", "id name"),
                "variables": {"id": 1, "name": "Lamp 2"},
            },
        )
    assert response.status_code == 200
    sent = edge.received["catalog"].bodies[-1]["variables"]
    assert sent["id"] == "1"  # an Int given for an ID is coerced to the ID's string form


async def test_request_id_is_echoed_or_generated(edge: EdgeStack) -> None:
    async with edge.client() as client:
        echoed = await client.get("/health", headers={"X-Request-Id": "abc-123"})
        generated = await client.get("/health")
        refused = await client.get("/health", headers={"X-Request-Id": "bad id\twith spaces"})
    assert echoed.headers["x-request-id"] == "abc-123"
    assert len(generated.headers["x-request-id"]) == 32
    assert refused.headers["x-request-id"] != "bad id\twith spaces"

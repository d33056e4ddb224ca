"""CSRF prevention: requests a browser could send cross-site without a preflight are refused."""

from __future__ import annotations

from tests.supergraph.http.stack import PREFLIGHT, EdgeStack

QUERY = "{ products { id } }"


async def test_get_without_a_preflight_header_is_refused(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.get("/graphql", params={"query": QUERY})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"


async def test_get_mutation_without_a_preflight_header_is_405_not_csrf(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.get(
            "/graphql", params={"query": 'mutation { rename(id: "p1", name: "x") { id } }'}
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert edge.received["catalog"].bodies == []


async def test_get_naming_the_query_of_a_document_with_a_mutation_is_still_csrf(
    edge: EdgeStack,
) -> None:
    document = 'query Q { products { id } } mutation M { rename(id: "p1", name: "x") { id } }'
    async with edge.client() as client:
        response = await client.get("/graphql", params={"query": document, "operationName": "Q"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"


async def test_unparsable_get_without_a_preflight_header_is_csrf(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.get("/graphql", params={"query": "mutation {"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"


async def test_post_as_text_plain_is_refused(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            content=b'{"query":"{ products { id } }"}',
            headers={"Content-Type": "text/plain"},
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"


async def test_form_posts_are_refused(edge: EdgeStack) -> None:
    async with edge.client() as client:
        urlencoded = await client.post("/graphql", data={"query": QUERY})
        multipart = await client.post("/graphql", files={"query": ("q", QUERY.encode())})
    assert urlencoded.status_code == 400
    assert multipart.status_code == 400
    assert multipart.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"
    assert edge.received["catalog"].bodies == []


async def test_get_with_each_preflight_header_is_allowed(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        for header in ("Apollo-Require-Preflight", "X-Apollo-Operation-Name", "X-CSRF-Token"):
            response = await client.get("/graphql", params={"query": QUERY}, headers={header: "1"})
            assert response.status_code == 200, header
            assert response.json()["data"]["products"][0]["id"] == "p1"


async def test_multipart_with_a_preflight_header_passes_the_csrf_rule(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.post(
            "/graphql", files={"operations": ("o", b"{}")}, headers=PREFLIGHT
        )
    # Not CSRF: refused only because `operations` came as a file (see test_uploads.py).
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_cookie_authenticated_text_plain_post_is_refused(edge: EdgeStack) -> None:
    account = edge.identity.accounts["u-ada"]
    token = edge.identity.access_token(account)
    async with edge.client(cookies={"althaus_session": token}) as client:
        response = await client.post(
            "/graphql",
            content=b'{"query":"{ me { id } }"}',
            headers={"Content-Type": "text/plain"},
        )
    assert response.status_code == 400
    assert edge.received["users"].bodies == []

"""Authorization at the edge, end to end: denied fields are null with an error, never fetched."""

from __future__ import annotations

from tests.supergraph.http.stack import EdgeStack


def unauthorized(body: dict[str, object]) -> list[list[object]]:
    errors = body.get("errors") or []
    return sorted(
        e["path"]  # type: ignore[index]
        for e in errors  # type: ignore[attr-defined]
        if e["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"  # type: ignore[index]
    )


async def test_denied_field_is_null_with_an_error_and_the_rest_is_served(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql", json={"query": "{ products { name stock secret } }"}
        )
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["products"] == [
        {"name": "Lamp", "stock": None, "secret": None},
        {"name": "Desk", "stock": None, "secret": None},
    ]
    assert unauthorized(body) == [
        ["products", 0, "secret"],
        ["products", 0, "stock"],
        ["products", 1, "secret"],
        ["products", 1, "stock"],
    ]
    sent = " ".join(edge.received["catalog"].queries())
    assert "name" in sent
    assert "stock" not in sent
    assert "secret" not in sent


async def test_signed_in_viewer_gets_authenticated_fields_only(edge: EdgeStack) -> None:
    edge.require_loaded()
    token = edge.identity.access_token(edge.identity.accounts["u-bob"])
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ products { stock secret } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert body["data"]["products"][0] == {"stock": 3, "secret": None}
    sent = " ".join(edge.received["catalog"].queries())
    assert "stock" in sent
    assert "secret" not in sent


async def test_admin_gets_every_field(edge: EdgeStack) -> None:
    edge.require_loaded()
    token = edge.identity.access_token(edge.identity.accounts["u-ada"])
    async with edge.client() as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ products { secret } internalNotes }"},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert "errors" not in body
    assert body["data"]["products"][0]["secret"] == "s-lamp"
    assert body["data"]["internalNotes"] == "restock on monday"


async def test_denied_root_field_is_null_and_never_sent(edge: EdgeStack) -> None:
    edge.require_loaded()
    async with edge.client() as client:
        response = await client.post(
            "/graphql", json={"query": "{ internalNotes products { id } }"}
        )
    body = response.json()
    assert body["data"] == {"internalNotes": None, "products": [{"id": "p1"}, {"id": "p2"}]}
    assert unauthorized(body) == [["internalNotes"]]
    assert all("internalNotes" not in q for q in edge.received["catalog"].queries())

"""Role directives: printed as Federation 2 `@authenticated` / `@requiresScopes`, enforced in the
subgraph for fields and for types."""

from __future__ import annotations

import httpx
import pytest
from graphql import build_ast_schema, parse

from core.security import internal_token
from core.security.principal import Principal
from subgraphs.kit.app import create_subgraph_app
from subgraphs.kit.directives import requires_role
from tests.subgraphs.kit.sample import schema

EDITOR = Principal.user("22222222-2222-2222-2222-222222222222", "editor", None)
ADMIN = Principal.user("33333333-3333-3333-3333-333333333333", "admin", None)


@pytest.fixture(scope="module")
async def sample(settings, resources):
    app = create_subgraph_app("sample", schema, settings, resources)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://s"
    ) as client:

        async def ask(query: str, principal: Principal) -> dict:
            headers = internal_token.headers_for(
                principal, "sample", settings.internal_token_secret
            )
            response = await client.post("/graphql", json={"query": query}, headers=headers)
            return response.json()

        yield ask


def test_the_sdl_links_federation_and_imports_the_directives():
    sdl = schema.as_str()
    link = sdl.splitlines()[0]
    assert link.startswith('schema @link(url: "https://specs.apollo.dev/federation/v2.5"')
    for directive in ("@authenticated", "@requiresScopes"):
        assert f'"{directive}"' in link
    assert "signedIn: String! @authenticated" in sdl
    assert 'forEditors: String! @requiresScopes(scopes: [["role:editor"]])' in sdl
    assert 'type Secret @requiresScopes(scopes: [["role:admin"]])' in sdl


def test_requires_role_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="owner"):
        requires_role("owner")


async def test_a_field_below_the_principals_role_is_refused_with_its_code(sample):
    body = await sample("{ open forEditors }", Principal.user("x", "viewer", None))
    assert body["data"] is None  # forEditors is non-null, so the error reaches the root
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert body["errors"][0]["path"] == ["forEditors"]


async def test_a_field_at_the_principals_role_is_served(sample):
    assert await sample("{ forEditors }", EDITOR) == {"data": {"forEditors": "editors"}}


async def test_a_guarded_type_is_refused_where_it_is_returned(sample):
    body = await sample("{ secret { value } }", EDITOR)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert body["errors"][0]["path"] == ["secret"]
    assert "s3cret" not in str(body)


async def test_a_guarded_type_is_served_to_its_role(sample):
    assert await sample("{ secret { value } }", ADMIN) == {"data": {"secret": {"value": "s3cret"}}}


async def test_authenticated_refuses_a_guest(sample):
    body = await sample("{ signedIn }", Principal.guest())
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"


@pytest.mark.parametrize("subgraph", ["users", "system"])
def test_each_subgraph_prints_a_valid_federation_sdl(subgraph):
    module = __import__(f"subgraphs.{subgraph}.schema", fromlist=["schema"])
    sdl = module.schema.as_str()
    link = sdl.splitlines()[0]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.5"' in link
    assert '"@key"' in link and '"@requiresScopes"' in link
    assert '@requiresScopes(scopes: [["role:admin"]])' in sdl
    definitions = """
      directive @link(url: String!, import: [String]) repeatable on SCHEMA
      directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
      directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
      directive @requiresScopes(scopes: [[String!]!]!)
        on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
      directive @shareable repeatable on OBJECT | FIELD_DEFINITION
    """
    build_ast_schema(parse(sdl + definitions))


def test_the_users_sdl_marks_guarded_fields():
    from subgraphs.users.schema import schema as users

    sdl = users.as_str()
    assert '"@authenticated"' in sdl.splitlines()[0]
    assert "me: User @authenticated" in sdl
    assert (
        "users(first: Int = null, after: String = null, filter: UserFilter = null): "
        'UserConnection! @requiresScopes(scopes: [["role:editor"]])' in sdl
    )
    assert 'type User @key(fields: "id")' in sdl

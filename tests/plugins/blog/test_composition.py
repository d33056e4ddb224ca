"""The blog's subgraph composes with the core users subgraph, adding `User.posts`."""

from __future__ import annotations

import strawberry
from graphql import GraphQLObjectType, build_schema

from plugins.blog import blog as package
from subgraphs.users.schema import schema as users_schema
from supergraph.compose import SubgraphDefinition, compose


def _blog_sdl() -> str:
    schema = strawberry.federation.Schema(
        query=package.Query,
        mutation=package.Mutation,
        types=list(package.types),
        federation_version="2.5",
    )
    return schema.as_str()


def test_blog_sdl_composes_with_the_users_subgraph_and_adds_user_posts() -> None:
    result = compose(
        [
            SubgraphDefinition("users", "http://users.invalid/graphql", users_schema.as_str()),
            SubgraphDefinition("plugin_blog", "unix:///blog.sock", _blog_sdl()),
        ]
    )
    assert result.errors == []
    assert result.supergraph_sdl is not None
    user = build_schema(result.supergraph_sdl).type_map["User"]
    assert isinstance(user, GraphQLObjectType)
    assert {"username", "posts"} <= set(user.fields)


def test_served_sdl_composes_with_the_users_subgraph(blog) -> None:  # type: ignore[no-untyped-def]
    result = compose(
        [
            SubgraphDefinition("users", "http://users.invalid/graphql", users_schema.as_str()),
            SubgraphDefinition("plugin_blog", blog.process.spec.url, blog.process.sdl),
        ]
    )
    assert result.errors == []
    assert "posts" in (result.supergraph_sdl or "")


def test_mutations_declare_their_authorization_in_the_sdl() -> None:
    sdl = _blog_sdl()
    create = next(line for line in sdl.splitlines() if "createPost(" in line)
    update = next(line for line in sdl.splitlines() if "updatePost(" in line)
    assert '@requiresScopes(scopes: [["role:editor"]])' in create
    assert "@authenticated" in update
    assert '"@authenticated"' in sdl.splitlines()[0] and '"@requiresScopes"' in sdl.splitlines()[0]

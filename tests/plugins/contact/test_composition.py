"""The contact subgraph composes with the core supergraph (and beside the blog plugin)."""

from __future__ import annotations

import strawberry
from graphql import GraphQLObjectType, build_schema

from althaus.snapshot import core_subgraph_definitions
from plugins.blog import blog as blog_package
from plugins.contact import contact as package
from supergraph.compose import SubgraphDefinition, compose


def _contact_sdl() -> str:
    schema = strawberry.federation.Schema(
        query=package.Query, mutation=package.Mutation, federation_version="2.5"
    )
    return schema.as_str()


def _blog_sdl() -> str:
    schema = strawberry.federation.Schema(
        query=blog_package.Query,
        mutation=blog_package.Mutation,
        types=list(blog_package.types),
        federation_version="2.5",
    )
    return schema.as_str()


def test_contact_sdl_composes_with_the_core_subgraphs() -> None:
    result = compose(
        [
            *core_subgraph_definitions(),
            SubgraphDefinition("plugin_contact", "unix:///contact.sock", _contact_sdl()),
        ]
    )
    assert result.errors == []
    assert result.supergraph_sdl is not None
    schema = build_schema(result.supergraph_sdl)
    query, mutation = schema.type_map["Query"], schema.type_map["Mutation"]
    assert isinstance(query, GraphQLObjectType) and isinstance(mutation, GraphQLObjectType)
    assert {"contactMessages", "contactMessage", "contactFormSettings"} <= set(query.fields)
    assert {"markContactMessageRead", "deleteContactMessage"} <= set(mutation.fields)


def test_contact_and_blog_compose_together_with_the_core_subgraphs() -> None:
    result = compose(
        [
            *core_subgraph_definitions(),
            SubgraphDefinition("plugin_blog", "unix:///blog.sock", _blog_sdl()),
            SubgraphDefinition("plugin_contact", "unix:///contact.sock", _contact_sdl()),
        ]
    )
    assert result.errors == []


def test_served_sdl_composes_with_the_core_subgraphs(contact) -> None:  # type: ignore[no-untyped-def]
    result = compose(
        [
            *core_subgraph_definitions(),
            SubgraphDefinition("plugin_contact", contact.process.spec.url, contact.process.sdl),
        ]
    )
    assert result.errors == []
    assert "contactMessages" in (result.supergraph_sdl or "")


def test_the_inbox_declares_its_roles_in_the_sdl() -> None:
    lines = _contact_sdl().splitlines()

    def line_of(field: str) -> str:
        return next(line for line in lines if line.strip().startswith(f"{field}"))

    editor = '@requiresScopes(scopes: [["role:editor"]])'
    admin = '@requiresScopes(scopes: [["role:admin"]])'
    for field in ("contactMessages(", "contactMessage(", "markContactMessageRead("):
        assert editor in line_of(field), field
    assert admin in line_of("deleteContactMessage(")
    assert admin in line_of("notificationAddress:")
    assert "@requiresScopes" not in line_of("contactFormSettings:")
    assert "@requiresScopes" not in line_of("successMessage:")


def test_the_api_has_the_documented_signatures() -> None:
    sdl = _contact_sdl()
    assert (
        "contactMessages(first: Int = null, after: String = null, unreadOnly: Boolean = null): "
        "ContactMessageConnection! "
    ) in sdl
    assert "markContactMessageRead(id: ID!, read: Boolean = true): ContactMessage " in sdl
    assert "deleteContactMessage(id: ID!): Boolean! " in sdl
    assert "contactMessage(id: ID!): ContactMessage " in sdl

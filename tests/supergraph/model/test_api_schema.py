"""The API schema: what clients see of the supergraph."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLObjectType, print_schema

from supergraph.model import Supergraph

FIXTURES = Path(__file__).parent.parent / "plan" / "fixtures"
LINKS = Path(__file__).parent / "fixtures" / "links.graphql"


def _api(name: str) -> str:
    sg = Supergraph.from_sdl((FIXTURES / f"{name}.graphql").read_text())
    return print_schema(sg.api_schema)


def test_join_and_link_elements_are_gone() -> None:
    printed = _api("bench")
    assert "join__" not in printed and "link__" not in printed and "@link" not in printed


def test_inaccessible_fields_types_arguments_and_enum_values_are_removed() -> None:
    sg = Supergraph.from_sdl((FIXTURES / "inaccessible.graphql").read_text())
    schema = sg.api_schema
    person = schema.get_type("Person")
    assert isinstance(person, GraphQLObjectType)
    assert list(person.fields) == ["id", "badgeCode", "name", "status"]
    assert schema.get_type("Badge") is None
    query = schema.get_type("Query")
    assert isinstance(query, GraphQLObjectType)
    assert list(query.fields["person"].args) == ["id"]
    status = schema.get_type("Status")
    assert isinstance(status, GraphQLEnumType) and list(status.values) == ["ACTIVE"]
    assert "@inaccessible" not in print_schema(schema)


def test_fields_keep_their_ast_node() -> None:
    sg = Supergraph.from_sdl((FIXTURES / "bench.graphql").read_text())
    product = sg.api_schema.get_type("Product")
    assert isinstance(product, GraphQLObjectType)
    assert product.fields["name"].ast_node is not None


def test_renamed_imports_and_spec_directives_are_kept_out() -> None:
    sg = Supergraph.from_sdl(LINKS.read_text())
    printed = print_schema(sg.api_schema)
    for gone in (
        "@hidden",
        "@tag",
        "@authenticated",
        "@scopes",
        "@policy",
        "scopes__Scope",
        "policy__Policy",
        "secretNote",
        "Vault",
        "BANNED",
    ):
        assert gone not in printed, gone
    assert "type User" in printed and "email: String!" in printed


def test_deprecation_is_kept() -> None:
    sg = Supergraph.from_sdl(LINKS.read_text())
    user = sg.api_schema.get_type("User")
    assert isinstance(user, GraphQLObjectType)
    assert user.fields["nick"].deprecation_reason == "use name"

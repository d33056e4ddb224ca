"""The API schema keeps executable directives of linked specs, and drops type-system ones."""

from __future__ import annotations

from supergraph.model import Supergraph

SDL = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://example.com/access/v1.0", import: ["@access", "@label"]) {
  query: Query
}

directive @access(scope: String = "public") on FIELD
directive @label(text: String) on FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(
  graph: join__Graph!
  key: join__FieldSet
  extension: Boolean! = false
  resolvable: Boolean! = true
  isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(
  url: String
  as: String
  for: link__Purpose
  import: [link__Import]
) repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import

enum join__Graph {
  A @join__graph(name: "a", url: "http://a/graphql")
}

enum link__Purpose {
  SECURITY
  EXECUTION
}

type Query @join__type(graph: A) {
  a: String @label(text: "x")
}
"""


def test_executable_directive_of_a_linked_spec_is_kept() -> None:
    schema = Supergraph.from_sdl(SDL).api_schema
    assert schema.get_directive("access") is not None


def test_type_system_directive_of_a_linked_spec_is_dropped() -> None:
    schema = Supergraph.from_sdl(SDL).api_schema
    assert schema.get_directive("label") is None

"""An executable directive composed with `@composeDirective`: its argument types reach the
supergraph (even one named like a federation scalar) and a default any subgraph gives is kept."""

from __future__ import annotations

from supergraph.compose import SubgraphDefinition, compose


def _subgraph(name: str, default: str) -> SubgraphDefinition:
    sdl = f"""
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.1", import: ["@key", "@composeDirective"])
      @link(url: "https://example.com/access/v1.0", import: ["@access"])
      @composeDirective(name: "@access")
    directive @access(scope: Scope!{default}) on FIELD
    enum Scope {{ PUBLIC PRIVATE }}
    type Query {{ {name}: String }}
    """
    return SubgraphDefinition(name, f"http://{name}/graphql", sdl)


def test_user_enum_named_scope_reaches_the_supergraph() -> None:
    result = compose([_subgraph("a", ""), _subgraph("b", "")])
    assert result.supergraph_sdl is not None
    assert "enum Scope @join__type(graph: A) @join__type(graph: B) {" in result.supergraph_sdl


def test_default_of_one_subgraph_is_kept() -> None:
    result = compose([_subgraph("a", ""), _subgraph("b", " = PUBLIC")])
    assert result.supergraph_sdl is not None
    assert "directive @access(scope: Scope! = PUBLIC) on FIELD" in result.supergraph_sdl

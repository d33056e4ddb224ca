"""Satisfiability: a path is satisfiable when any subgraph the gateway could be in reaches it."""

from __future__ import annotations

from supergraph.compose import SubgraphDefinition, compose

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])'


def _subgraph(name: str, viewer_fields: str) -> SubgraphDefinition:
    sdl = f"""
    extend schema {LINK}
    type Query {{ viewer: Viewer @shareable }}
    type Viewer {{ id: ID! @shareable {viewer_fields} }}
    """
    return SubgraphDefinition(name, f"http://{name}/graphql", sdl)


def test_field_of_one_option_of_a_shared_root_is_satisfiable() -> None:
    result = compose([_subgraph("a", "onlyA: String"), _subgraph("b", "onlyB: String")])
    assert result.errors == []
    assert result.supergraph_sdl is not None


def test_field_no_option_reaches_is_still_an_error() -> None:
    unreachable = SubgraphDefinition(
        "c",
        "http://c/graphql",
        f"extend schema {LINK}\ntype Query {{ other: Int }}\n"
        "type Viewer { id: ID! @shareable onlyC: String }",
    )
    result = compose([_subgraph("a", ""), _subgraph("b", ""), unreachable])
    assert [e.code for e in result.errors] == ["SATISFIABILITY_ERROR"]
    message = result.errors[0].message
    assert 'from subgraph "a"' in message and 'from subgraph "b"' in message


def test_value_type_field_behind_a_parent_entity_call_is_satisfiable() -> None:
    link = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])'
    a = SubgraphDefinition(
        "a",
        "http://a/graphql",
        f"extend schema {link}\ntype Query {{ products: [Product] }}\n"
        'type Product @key(fields: "id") { id: ID! category: Category @shareable }\n'
        "type Category @shareable { id: ID! }",
    )
    b = SubgraphDefinition(
        "b",
        "http://b/graphql",
        f"extend schema {link}\n"
        'type Product @key(fields: "id") { id: ID! category: Category @shareable }\n'
        "type Category @shareable { id: ID! details: String }",
    )
    result = compose([a, b])
    assert result.errors == []

"""Federation 2 `@requires` may select fields with arguments; a type-level `@external` marks
every field of its block."""

from __future__ import annotations

from supergraph.compose import SubgraphDefinition, compose

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])'
)
OWNER = f"""
extend schema {LINK}
type Query {{ products: [Product] }}
type Product @key(fields: "upc") {{
  upc: String!
  price(currency: String!): Int
  category: Category
}}
type Category {{ averagePrice(currency: String!): Int }}
"""
REQUIRER = f"""
extend schema {LINK}
type Product @key(fields: "upc") {{
  upc: String!
  price(currency: String!): Int @external
  estimate: Int @requires(fields: "price(currency: \\"USD\\")")
  category: Category @external
  expensive: Boolean @requires(fields: "category {{ averagePrice(currency: \\"USD\\") }}")
}}
type Category @external {{ averagePrice(currency: String!): Int }}
"""


def _compose(requirer: str) -> list[str]:
    result = compose(
        [
            SubgraphDefinition("owner", "http://owner/graphql", OWNER),
            SubgraphDefinition("requirer", "http://requirer/graphql", requirer),
        ]
    )
    return [e.code for e in result.errors]


def test_requires_selects_fields_with_arguments() -> None:
    assert _compose(REQUIRER) == []


def test_key_still_refuses_fields_with_arguments() -> None:
    keyed = REQUIRER.replace(
        '@key(fields: "upc")', '@key(fields: "upc price(currency: \\"USD\\")")'
    )
    assert "KEY_FIELDS_HAS_ARGS" in _compose(keyed)


def test_without_type_level_external_the_type_resolves_its_fields_again() -> None:
    shared = REQUIRER.replace("type Category @external {", "type Category {")
    assert "INVALID_FIELD_SHARING" in _compose(shared)

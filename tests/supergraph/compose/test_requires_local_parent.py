"""`@requires` may select a local field whose selection is external (`comments { authorId }`);
a local leaf is still refused."""

from __future__ import annotations

from supergraph.compose import SubgraphDefinition, compose

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])'
)
OWNER = f"""
extend schema {LINK}
type Query {{ feed: [Post] }}
type Post @key(fields: "id") {{ id: ID! }}
type Comment @key(fields: "id") {{ id: ID! authorId: ID }}
"""


def _codes(post_fields: str) -> list[str]:
    requirer = f"""
    extend schema {LINK}
    type Post @key(fields: "id") {{ id: ID! {post_fields} }}
    type Comment @key(fields: "id") {{ id: ID! authorId: ID @external }}
    """
    result = compose(
        [
            SubgraphDefinition("owner", "http://owner/graphql", OWNER),
            SubgraphDefinition("requirer", "http://requirer/graphql", requirer),
        ]
    )
    return [e.code for e in result.errors]


def test_local_parent_of_external_fields_may_be_required() -> None:
    fields = 'comments: [Comment] authorId: ID @requires(fields: "comments { authorId }")'
    assert _codes(fields) == []


def test_local_leaf_may_not_be_required() -> None:
    fields = 'title: String label: String @requires(fields: "title")'
    assert "REQUIRES_FIELDS_MISSING_EXTERNAL" in _codes(fields)

"""corrupted-supergraph-node-id: a supergraph composed elsewhere where `Query.node` is in both
subgraphs but each owns the `id` of only one `Node` type (the other's is `@external`); each
subgraph answers `node` for any id, with a wrong id for the type it does not own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from supergraph.http.errors import RequestError
from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

SUPERGRAPH = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) {
  query: Query
}

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(
  graph: join__Graph
  requires: join__FieldSet
  provides: join__FieldSet
  type: String
  external: Boolean
  override: String
  usedOverridden: Boolean
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(
  graph: join__Graph!
  interface: String!
) repeatable on OBJECT | INTERFACE
directive @join__type(
  graph: join__Graph!
  key: join__FieldSet
  extension: Boolean! = false
  resolvable: Boolean! = true
  isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(
  url: String
  as: String
  for: link__Purpose
  import: [link__Import]
) repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import

enum link__Purpose { SECURITY EXECUTION }

enum join__Graph {
  A @join__graph(name: "a", url: "http://a.conformance.test/graphql")
  B @join__graph(name: "b", url: "http://b.conformance.test/graphql")
}

interface Node @join__type(graph: A) @join__type(graph: B) {
  id: ID!
}

type Account implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: B, interface: "Node")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id") {
  id: ID! @join__field(graph: A) @join__field(graph: B, external: true)
  username: String! @join__field(graph: A)
  chats: [Chat!]! @join__field(graph: B)
}

type Chat implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: B, interface: "Node")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id") {
  id: ID! @join__field(graph: A, external: true) @join__field(graph: B)
  account: Account! @join__field(graph: A)
  text: String! @join__field(graph: B)
}

type Query @join__type(graph: A) @join__type(graph: B) {
  node(id: ID!): Node
  account(id: String!): Account @join__field(graph: A)
  chat(id: String!): Chat @join__field(graph: B)
}
"""


def _node(owner: str, node_id: str) -> dict[str, Any] | None:
    kind = {"a": "Account", "c": "Chat"}.get(node_id[:1])
    if kind is None:
        return None
    owned = (owner == "a") == (kind == "Account")
    found: dict[str, Any] = {"__typename": kind, "id": node_id if owned else f"wrong-{node_id}"}
    if kind == "Account":
        found.update(username=f"{node_id}-username", chats=[{"id": "c1"}])
    else:
        found.update(text=f"{node_id}-text", account={"id": "a1", "username": "a1-username"})
    return found


A = Subgraph(
    "a",
    """
    type Query { node(id: ID!): Node account(id: String!): Account }
    interface Node { id: ID! }
    type Account implements Node @key(fields: "id") { id: ID! username: String! }
    type Chat implements Node @key(fields: "id") { id: ID! account: Account! }
    """,
    root={
        "node": lambda _info, id: _node("a", id),
        "account": lambda _info, id: _node("a", id),
    },
    entities={
        "Chat": lambda rep: _node("a", rep["id"]),
        "Account": lambda rep: _node("a", rep["id"]),
    },
)

B = Subgraph(
    "b",
    """
    type Query { node(id: ID!): Node chat(id: String!): Chat }
    interface Node { id: ID! }
    type Account implements Node @key(fields: "id") { id: ID! chats: [Chat!]! }
    type Chat implements Node @key(fields: "id") { id: ID! text: String! }
    """,
    root={"node": lambda _info, id: _node("b", id), "chat": lambda _info, id: _node("b", id)},
    entities={
        "Chat": lambda rep: _node("b", rep["id"]),
        "Account": lambda rep: _node("b", rep["id"]),
    },
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B], supergraph_sdl=SUPERGRAPH) as built:
        yield built


async def test_typename_of_nodes_of_both_types(gateway: CaseGateway) -> None:
    query = '{ account: node(id: "a1") { __typename } chat: node(id: "c1") { __typename } }'
    assert await gateway.run(query) == {
        "data": {"account": {"__typename": "Account"}, "chat": {"__typename": "Chat"}}
    }


async def test_each_type_fragment_goes_to_the_owner_of_its_id(gateway: CaseGateway) -> None:
    query = """
      { account: node(id: "a1") { ... on Account { id username } }
        chat: node(id: "c1") { ... on Chat { id text } } }
    """
    assert await gateway.run(query) == {
        "data": {
            "account": {"id": "a1", "username": "a1-username"},
            "chat": {"id": "c1", "text": "c1-text"},
        }
    }


async def test_fragments_on_the_other_type_are_empty(gateway: CaseGateway) -> None:
    query = """
      { account: node(id: "a1") { __typename ... on Chat { id } }
        chat: node(id: "c1") { ... on Account { id } } }
    """
    assert await gateway.run(query) == {"data": {"account": {"__typename": "Account"}, "chat": {}}}


async def test_interface_id_no_single_subgraph_owns_is_refused(gateway: CaseGateway) -> None:
    with pytest.raises(RequestError) as refused:
        await gateway.run('{ node(id: "a1") { id } }')
    assert refused.value.code == "QUERY_PLANNING_FAILED"


async def test_root_fields_of_one_subgraph_and_their_entities(gateway: CaseGateway) -> None:
    query = '{ chat(id: "c1") { id text account { id } } account(id: "a1") { id chats { id } } }'
    assert await gateway.run(query) == {
        "data": {
            "chat": {"id": "c1", "text": "c1-text", "account": {"id": "a1"}},
            "account": {"id": "a1", "chats": [{"id": "c1"}]},
        }
    }

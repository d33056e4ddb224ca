"""The client operation: fragments, variables, @skip/@include and aliases."""

from __future__ import annotations

from supergraph.plan.nodes import ConditionNode, FetchNode, FlattenNode, ParallelNode, SequenceNode
from tests.supergraph.plan.planning import expected, plan, plan_text


def test_named_and_inline_fragments_are_inlined() -> None:
    """Fragments become plain selections."""
    query = (
        "query { topProducts { ...P ... on Product { weight } } } fragment P on Product { name }"
    )
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Fetch(service: "products") {
        {
          topProducts {
            name
            weight
          }
        }
      },
    }
        """
    )


def test_each_fetch_declares_only_the_variables_it_uses() -> None:
    """Each fetch declares its own variables with types and defaults."""
    query = (
        "query Q($n: Int = 3, $id: ID!) { topProducts(first: $n) { name } user(id: $id) { name } }"
    )
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Parallel {
        Fetch(service: "products") {
          {
            topProducts(first: $n) {
              name
            }
          }
        },
        Fetch(service: "accounts") {
          {
            user(id: $id) {
              name
            }
          }
        },
      },
    }
        """
    )


def test_literal_skip_and_include_are_applied_at_plan_time() -> None:
    """Literal conditions never reach a subgraph."""
    query = (
        "{ topProducts { name @skip(if: true) upc @include(if: true) weight @include(if: false) } }"
    )
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Fetch(service: "products") {
        {
          topProducts {
            upc
          }
        }
      },
    }
        """
    )


def test_variable_conditions_are_passed_on_to_the_subgraph() -> None:
    """The variable is declared and the directive forwarded."""
    query = "query Q($s: Boolean!) { topProducts { name @skip(if: $s) upc } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Fetch(service: "products") {
        {
          topProducts {
            name @skip(if: $s)
            upc
          }
        }
      },
    }
        """
    )


def test_a_fetch_under_a_variable_condition_becomes_a_condition_node() -> None:
    """The whole reviews fetch is skipped when $v is false."""
    query = "query Q($v: Boolean!) { topProducts { name reviews @include(if: $v) { body } } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "products") {
          {
            topProducts {
              __typename
              name
              upc
            }
          }
        },
        Include(if: $v) {
          Flatten(path: "topProducts.@") {
            Fetch(service: "reviews") {
              {
                ... on Product {
                  __typename
                  upc
                }
              } =>
              {
                ... on Product {
                  reviews @include(if: $v) {
                    body
                  }
                }
              }
            },
          },
        },
      },
    }
        """
    )


def test_internal_key_fields_are_aliased_away_from_client_aliases() -> None:
    """The client named name upc: the key is fetched under another key."""
    query = "{ topProducts { upc: name reviews { body } } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "products") {
          {
            topProducts {
              __typename
              upc: name
              upc__internal: upc
            }
          }
        },
        Flatten(path: "topProducts.@") {
          Fetch(service: "reviews") {
            {
              ... on Product {
                __typename
                upc__internal: upc
              }
            } =>
            {
              ... on Product {
                reviews {
                  body
                }
              }
            }
          },
        },
      },
    }
        """
    )


def _fetches(node: object) -> list[FetchNode]:
    if isinstance(node, FetchNode):
        return [node]
    if isinstance(node, FlattenNode):
        return _fetches(node.node)
    if isinstance(node, (SequenceNode, ParallelNode)):
        return [f for child in node.nodes for f in _fetches(child)]
    if isinstance(node, ConditionNode):
        return _fetches(node.if_clause) + _fetches(node.else_clause)
    return []


def test_fetch_operations_declare_variable_types_and_defaults() -> None:
    query = (
        "query Q($n: Int = 3, $id: ID!) { topProducts(first: $n) { name } user(id: $id) { name } }"
    )
    fetches = {f.service: f for f in _fetches(plan("bench", query).node)}
    assert fetches["products"].operation == "query($n:Int=3){topProducts(first:$n){name}}"
    assert fetches["products"].variable_usages == ("n",)
    assert fetches["accounts"].operation == "query($id:ID!){user(id:$id){name}}"
    assert fetches["accounts"].variable_usages == ("id",)


def test_entity_fetch_declares_representations_and_its_own_variables() -> None:
    query = "query Q($v: Boolean!) { topProducts { reviews @include(if: $v) { body } } }"
    (_, entity) = _fetches(plan("bench", query).node)
    assert entity.operation == (
        "query($representations:[_Any!]!,$v:Boolean!){_entities(representations:$representations)"
        "{...on Product{reviews@include(if:$v){body}}}}"
    )
    assert entity.variable_usages == ("v",)

"""Interfaces and unions across subgraphs, @key on interfaces and @interfaceObject."""

from __future__ import annotations

from supergraph.plan.nodes import (
    FetchNode,
    FlattenNode,
    RequiredField,
    RequiredFragment,
    SequenceNode,
)
from tests.supergraph.plan.planning import expected, plan, plan_text


def test_interface_fields_resolved_in_one_subgraph_stay_at_interface_level() -> None:
    """One fetch; type conditions for the rest."""
    query = "{ items { title ... on Book { pages } ... on Film { minutes } } }"
    assert plan_text("abstract", query) == expected(
        """
    QueryPlan {
      Fetch(service: "catalog") {
        {
          items {
            __typename
            title
            ... on Book {
              pages
            }
            ... on Film {
              minutes
            }
          }
        }
      },
    }
        """
    )


def test_union_members_from_other_subgraphs_are_entered_per_type() -> None:
    """search knows only ids; catalog and inventory in parallel."""
    query = '{ search(term: "a") { ... on Book { title stock } ... on Author { name } } }'
    assert plan_text("abstract", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "search") {
          {
            search(term: "a") {
              __typename
              ... on Author {
                id
              }
              ... on Book {
                id
              }
            }
          }
        },
        Parallel {
          Flatten(path: "search.@") {
            Fetch(service: "catalog") {
              {
                ... on Author {
                  __typename
                  id
                }
                ... on Book {
                  __typename
                  id
                }
              } =>
              {
                ... on Author {
                  name
                }
                ... on Book {
                  title
                }
              }
            },
          },
          Flatten(path: "search.@") {
            Fetch(service: "inventory") {
              {
                ... on Book {
                  __typename
                  id
                }
              } =>
              {
                ... on Book {
                  stock
                }
              }
            },
          },
        },
      },
    }
        """
    )


def test_interface_object_field_sends_the_interface_as_typename() -> None:
    """ratings knows Item as an @interfaceObject."""
    query = "{ items { rating } }"
    assert plan_text("abstract", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            items {
              __typename
              ... on Book {
                id
              }
              ... on Film {
                id
              }
            }
          }
        },
        Flatten(path: "items.@") {
          Fetch(service: "ratings") {
            {
              ... on Item {
                __typename
                id
              }
            } =>
            {
              ... on Item {
                rating
              }
            }
          },
        },
      },
    }
        """
    )


def test_interface_object_root_enters_the_interface_owner() -> None:
    """ratings returns Items; catalog resolves the interface entity."""
    query = "{ topRated { rating title } }"
    assert plan_text("abstract", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "ratings") {
          {
            topRated {
              __typename
              rating
              id
            }
          }
        },
        Flatten(path: "topRated.@") {
          Fetch(service: "catalog") {
            {
              ... on Item {
                __typename
                id
              }
            } =>
            {
              ... on Item {
                title
              }
            }
          },
        },
      },
    }
        """
    )


def test_concrete_typename_is_fetched_from_a_subgraph_that_knows_it() -> None:
    """ratings knows only Item: catalog tells the type, then inventory."""
    query = "{ topRated { __typename ... on Book { stock } } }"
    assert plan_text("abstract", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "ratings") {
          {
            topRated {
              __typename
              id
            }
          }
        },
        Flatten(path: "topRated.@") {
          Fetch(service: "catalog") {
            {
              ... on Item {
                __typename
                id
              }
            } =>
            {
              ... on Item {
                __typename
                ... on Book {
                  id
                }
              }
            }
          },
        },
        Flatten(path: "topRated.@") {
          Fetch(service: "inventory") {
            {
              ... on Book {
                __typename
                id
              }
            } =>
            {
              ... on Book {
                stock
              }
            }
          },
        },
      },
    }
        """
    )


def test_fragment_on_an_interface_spread_in_an_object_context() -> None:
    """Item fields inside ... on Book."""
    query = (
        'query { node(id: "1") { ... on Book { ...ItemFields } } } '
        "fragment ItemFields on Item { title rating }"
    )
    assert plan_text("abstract", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            node(id: "1") {
              __typename
              ... on Book {
                title
                id
              }
            }
          }
        },
        Flatten(path: "node") {
          Fetch(service: "ratings") {
            {
              ... on Item {
                __typename
                id
              }
            } =>
            {
              ... on Item {
                rating
              }
            }
          },
        },
      },
    }
        """
    )


def test_interface_object_fetch_sets_the_representation_typename() -> None:
    node = plan("abstract", "{ items { rating } }").node
    assert isinstance(node, SequenceNode)
    flatten = node.nodes[1]
    assert isinstance(flatten, FlattenNode) and isinstance(flatten.node, FetchNode)
    fetch = flatten.node
    assert fetch.representation_typename == "Item"
    assert fetch.requires == (
        RequiredFragment(
            "Item",
            (RequiredField("__typename"), RequiredField("id")),
            frozenset({"Book", "Film"}),
        ),
    )


def test_entity_answer_of_the_interface_owner_may_overwrite_the_typename() -> None:
    node = plan("abstract", "{ topRated { __typename title } }").node
    assert isinstance(node, SequenceNode)
    flatten = node.nodes[1]
    assert isinstance(flatten, FlattenNode) and isinstance(flatten.node, FetchNode)
    assert flatten.node.service == "catalog"
    assert flatten.node.representation_typename is None
    assert "__typename" in flatten.node.operation

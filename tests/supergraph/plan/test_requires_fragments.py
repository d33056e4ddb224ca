"""@requires with fragments on interfaces nested in fragments."""

from __future__ import annotations

from supergraph.plan.nodes import (
    FetchNode,
    FlattenNode,
    RequiredField,
    RequiredFragment,
    SequenceNode,
)
from tests.supergraph.plan.planning import expected, plan, plan_text


def test_requires_with_nested_fragments_sends_one_fragment_per_concrete_type() -> None:
    """data { foo ... on Bar { bar ... on Baz { baz } } } flattened per concrete type."""
    query = "{ b { requirer requirer2 } }"
    assert plan_text("requires_fragments", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "b") {
          {
            b {
              __typename
              id
            }
          }
        },
        Flatten(path: "b") {
          Fetch(service: "a") {
            {
              ... on Entity {
                __typename
                id
              }
            } =>
            {
              ... on Entity {
                data {
                  __typename
                  foo
                  ... on Baz {
                    bar
                    baz
                  }
                  ... on Qux {
                    bar
                    qux
                  }
                }
              }
            }
          },
        },
        Flatten(path: "b") {
          Fetch(service: "b") {
            {
              ... on Entity {
                __typename
                id
                data {
                  __typename
                  foo
                  ... on Baz {
                    bar
                    baz
                  }
                  ... on Qux {
                    bar
                    qux
                  }
                }
              }
            } =>
            {
              ... on Entity {
                requirer
                requirer2
              }
            }
          },
        },
      },
    }
        """
    )


def test_requires_with_fragments_from_the_owning_subgraph_root() -> None:
    """a resolves data itself; b gets it in the representation."""
    query = "{ a { requirer } }"
    assert plan_text("requires_fragments", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "a") {
          {
            a {
              __typename
              id
              data {
                __typename
                foo
                ... on Baz {
                  bar
                  baz
                }
                ... on Qux {
                  bar
                  qux
                }
              }
            }
          }
        },
        Flatten(path: "a") {
          Fetch(service: "b") {
            {
              ... on Entity {
                __typename
                id
                data {
                  __typename
                  foo
                  ... on Baz {
                    bar
                    baz
                  }
                  ... on Qux {
                    bar
                    qux
                  }
                }
              }
            } =>
            {
              ... on Entity {
                requirer
              }
            }
          },
        },
      },
    }
        """
    )


def test_requires_representation_has_no_nested_fragments() -> None:
    node = plan("requires_fragments", "{ b { requirer } }").node
    assert isinstance(node, SequenceNode)
    last = node.nodes[-1]
    assert isinstance(last, FlattenNode) and isinstance(last.node, FetchNode)
    (fragment,) = last.node.requires or ()
    assert isinstance(fragment, RequiredFragment)
    data = fragment.selections[2]
    assert data == RequiredField(
        "data",
        (
            RequiredField("__typename"),
            RequiredField("foo"),
            RequiredFragment("Baz", (RequiredField("bar"), RequiredField("baz"))),
            RequiredFragment("Qux", (RequiredField("bar"), RequiredField("qux"))),
        ),
    )

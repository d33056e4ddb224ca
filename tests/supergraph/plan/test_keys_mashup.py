"""Several keys per subgraph, some not resolvable, nested in objects."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_requires_reenters_the_subgraph_through_its_only_resolvable_key() -> None:
    """b resolves A only by id compositeId { two three }; name comes from a first."""
    query = "{ b { id a { id name nameInB } } }"
    assert plan_text("mashup", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "b") {
          {
            b {
              id
              a {
                __typename
                id
                compositeId {
                  two
                  three
                }
              }
            }
          }
        },
        Flatten(path: "b.a.@") {
          Fetch(service: "a") {
            {
              ... on A {
                __typename
                id
              }
            } =>
            {
              ... on A {
                name
              }
            }
          },
        },
        Flatten(path: "b.a.@") {
          Fetch(service: "b") {
            {
              ... on A {
                __typename
                id
                compositeId {
                  two
                  three
                }
                name
              }
            } =>
            {
              ... on A {
                nameInB
              }
            }
          },
        },
      },
    }
        """
    )

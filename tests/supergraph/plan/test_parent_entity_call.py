"""A shared field whose selections no single subgraph completes."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_shared_field_is_split_between_the_subgraphs_that_complete_it() -> None:
    """a gives category.details; b gives category.id, which leads c to category.name."""
    query = '{ productFromD(id: "1") { id name category { id name details } } }'
    assert plan_text("parent_entity_call", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "d") {
          {
            productFromD(id: "1") {
              __typename
              id
              name
            }
          }
        },
        Parallel {
          Flatten(path: "productFromD") {
            Fetch(service: "a") {
              {
                ... on Product {
                  __typename
                  id
                }
              } =>
              {
                ... on Product {
                  category {
                    details
                  }
                }
              }
            },
          },
          Sequence {
            Flatten(path: "productFromD") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    category {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "productFromD.category") {
              Fetch(service: "c") {
                {
                  ... on Category {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Category {
                    name
                  }
                }
              },
            },
          },
        },
      },
    }
        """
    )

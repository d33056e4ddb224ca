"""A @shareable root field of value types, completed by several subgraphs."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_shared_root_field_is_fetched_from_each_subgraph_that_adds_fields() -> None:
    """Product has no key: each subgraph answers the fields only it has, in parallel."""
    query = "{ product { id name { brand } category price } }"
    assert plan_text("shared_root", query) == expected(
        """
    QueryPlan {
      Parallel {
        Fetch(service: "category") {
          {
            product {
              id
              category
            }
          }
        },
        Fetch(service: "name") {
          {
            product {
              name {
                brand
              }
            }
          }
        },
        Fetch(service: "price") {
          {
            product {
              price
            }
          }
        },
      },
    }
        """
    )


def test_shared_root_field_stays_in_one_subgraph_when_it_suffices() -> None:
    """name alone answers everything."""
    query = "{ products { name { model } } }"
    assert plan_text("shared_root", query) == expected(
        """
    QueryPlan {
      Fetch(service: "name") {
        {
          products {
            name {
              model
            }
          }
        }
      },
    }
        """
    )

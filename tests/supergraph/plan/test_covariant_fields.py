"""Interface fields whose implementations return a narrower type."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_interface_and_object_selections_of_one_field_both_reach_the_subgraph() -> None:
    """Product.samePriceProduct is a Product, Book.samePriceProduct a Book that provides price."""
    query = (
        "{ product { __typename samePriceProduct { __typename ... on Book { id } } "
        "... on Book { id price samePriceProduct { id price } } } }"
    )
    assert plan_text("circular_interface", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "a") {
          {
            product {
              __typename
              samePriceProduct {
                __typename
                ... on Book {
                  id
                }
              }
              ... on Book {
                samePriceProduct {
                  id
                  price
                }
                id
              }
            }
          }
        },
        Flatten(path: "product") {
          Fetch(service: "b") {
            {
              ... on Book {
                __typename
                id
              }
            } =>
            {
              ... on Book {
                price
              }
            }
          },
        },
      },
    }
        """
    )

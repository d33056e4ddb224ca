"""@requires on a field that itself has @requires."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_requires_of_a_required_field_are_fetched_first() -> None:
    """price from a, isExpensive from b with price, hasDiscount from c with isExpensive."""
    query = "{ product { hasDiscount } }"
    assert plan_text("requires_chain", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "a") {
          {
            product {
              __typename
              id
              price
            }
          }
        },
        Flatten(path: "product") {
          Fetch(service: "b") {
            {
              ... on Product {
                __typename
                id
                price
              }
            } =>
            {
              ... on Product {
                isExpensive
              }
            }
          },
        },
        Flatten(path: "product") {
          Fetch(service: "c") {
            {
              ... on Product {
                __typename
                id
                isExpensive
              }
            } =>
            {
              ... on Product {
                hasDiscount
              }
            }
          },
        },
      },
    }
        """
    )

"""@shareable fields: stay in the current subgraph, else choose the one that saves a fetch."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_shareable_field_stays_in_the_current_subgraph() -> None:
    """reviews resolves Product.name itself."""
    query = "{ topReviews { product { name } } }"
    assert plan_text("shareable", query) == expected(
        """
    QueryPlan {
      Fetch(service: "reviews") {
        {
          topReviews {
            product {
              name
            }
          }
        }
      },
    }
        """
    )


def test_shareable_root_field_goes_where_the_selection_lives() -> None:
    """pricing has both fields, catalog lacks price."""
    query = '{ product(id: "1") { price name } }'
    assert plan_text("shareable", query) == expected(
        """
    QueryPlan {
      Fetch(service: "pricing") {
        {
          product(id: "1") {
            price
            name
          }
        }
      },
    }
        """
    )


def test_shareable_root_field_chooses_the_other_subgraph_for_other_fields() -> None:
    """catalog has description."""
    query = '{ product(id: "1") { description } }'
    assert plan_text("shareable", query) == expected(
        """
    QueryPlan {
      Fetch(service: "catalog") {
        {
          product(id: "1") {
            description
          }
        }
      },
    }
        """
    )


def test_shareable_field_joins_a_fetch_already_planned() -> None:
    """currency goes with price to pricing: one fetch instead of two."""
    query = "{ topReviews { product { price currency } } }"
    assert plan_text("shareable", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "reviews") {
          {
            topReviews {
              product {
                __typename
                id
              }
            }
          }
        },
        Flatten(path: "topReviews.@.product") {
          Fetch(service: "pricing") {
            {
              ... on Product {
                __typename
                id
              }
            } =>
            {
              ... on Product {
                price
                currency
              }
            }
          },
        },
      },
    }
        """
    )


def test_shareable_field_of_three_subgraphs_uses_the_existing_fetch() -> None:
    """currency from catalog (already entered), name from reviews."""
    query = "{ topReviews { product { description currency name } } }"
    assert plan_text("shareable", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "reviews") {
          {
            topReviews {
              product {
                __typename
                id
                name
              }
            }
          }
        },
        Flatten(path: "topReviews.@.product") {
          Fetch(service: "catalog") {
            {
              ... on Product {
                __typename
                id
              }
            } =>
            {
              ... on Product {
                description
                currency
              }
            }
          },
        },
      },
    }
        """
    )

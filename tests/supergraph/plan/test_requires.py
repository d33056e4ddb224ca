"""@requires: required fields fetched first and sent in the representation."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_requires_fetches_external_fields_before_entity_call() -> None:
    """weight comes from catalog, then goes to shipping."""
    query = "{ products { shippingCost } }"
    assert plan_text("requires", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            products {
              __typename
              id
              weight
            }
          }
        },
        Flatten(path: "products.@") {
          Fetch(service: "shipping") {
            {
              ... on Product {
                __typename
                id
                weight
              }
            } =>
            {
              ... on Product {
                shippingCost
              }
            }
          },
        },
      },
    }
        """
    )


def test_requires_with_nested_selection_sends_the_nested_object() -> None:
    """dimensions { width height } in the representation."""
    query = "{ products { boxSize } }"
    assert plan_text("requires", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            products {
              __typename
              id
              dimensions {
                width
                height
              }
            }
          }
        },
        Flatten(path: "products.@") {
          Fetch(service: "shipping") {
            {
              ... on Product {
                __typename
                id
                dimensions {
                  width
                  height
                }
              }
            } =>
            {
              ... on Product {
                boxSize
              }
            }
          },
        },
      },
    }
        """
    )


def test_requires_with_abstract_selection_sends_typed_fragments() -> None:
    """A union in @requires: __typename and one fragment per member."""
    query = "{ products { wrapping } }"
    assert plan_text("requires", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            products {
              __typename
              id
              packaging {
                __typename
                ... on Box {
                  size
                }
                ... on Bag {
                  material
                }
              }
            }
          }
        },
        Flatten(path: "products.@") {
          Fetch(service: "shipping") {
            {
              ... on Product {
                __typename
                id
                packaging {
                  __typename
                  ... on Box {
                    size
                  }
                  ... on Bag {
                    material
                  }
                }
              }
            } =>
            {
              ... on Product {
                wrapping
              }
            }
          },
        },
      },
    }
        """
    )


def test_requires_from_a_third_subgraph_waits_for_it() -> None:
    """stock comes from warehouse; shipping runs after it."""
    query = "{ products { deliveryDays name } }"
    assert plan_text("requires", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            products {
              __typename
              id
              name
            }
          }
        },
        Flatten(path: "products.@") {
          Fetch(service: "warehouse") {
            {
              ... on Product {
                __typename
                id
              }
            } =>
            {
              ... on Product {
                stock
              }
            }
          },
        },
        Flatten(path: "products.@") {
          Fetch(service: "shipping") {
            {
              ... on Product {
                __typename
                id
                stock
              }
            } =>
            {
              ... on Product {
                deliveryDays
              }
            }
          },
        },
      },
    }
        """
    )


def test_requires_in_the_current_subgraph_still_uses_an_entity_call() -> None:
    """legacy resolves statement only with balance from billing in the representation."""
    query = "{ accounts { name statement } }"
    assert plan_text("override", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "legacy") {
          {
            accounts {
              __typename
              name
              id
            }
          }
        },
        Flatten(path: "accounts.@") {
          Fetch(service: "billing") {
            {
              ... on Account {
                __typename
                id
              }
            } =>
            {
              ... on Account {
                balance
              }
            }
          },
        },
        Flatten(path: "accounts.@") {
          Fetch(service: "legacy") {
            {
              ... on Account {
                __typename
                id
                balance
              }
            } =>
            {
              ... on Account {
                statement
              }
            }
          },
        },
      },
    }
        """
    )


def test_entity_calls_to_one_subgraph_at_one_path_are_merged() -> None:
    """Two @requires fields of shipping: one fetch that waits for both sources."""
    query = "{ products { shippingCost deliveryDays } }"
    assert plan_text("requires", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            products {
              __typename
              id
              weight
            }
          }
        },
        Flatten(path: "products.@") {
          Fetch(service: "warehouse") {
            {
              ... on Product {
                __typename
                id
              }
            } =>
            {
              ... on Product {
                stock
              }
            }
          },
        },
        Flatten(path: "products.@") {
          Fetch(service: "shipping") {
            {
              ... on Product {
                __typename
                id
                weight
                stock
              }
            } =>
            {
              ... on Product {
                shippingCost
                deliveryDays
              }
            }
          },
        },
      },
    }
        """
    )

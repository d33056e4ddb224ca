"""Entity jumps through @key: single, compound, nested and multiple keys."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_entity_jump_fetches_the_key_then_calls_entities() -> None:
    """The Apollo shape: Fetch, then Flatten over the list."""
    query = "{ topProducts { reviews { body } } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "products") {
          {
            topProducts {
              __typename
              upc
            }
          }
        },
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


def test_lists_of_entities_nested_in_lists_flatten_every_level() -> None:
    """Each list level is an @ in the flatten path."""
    query = "{ topProducts { reviews { author { name } } } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "products") {
          {
            topProducts {
              __typename
              upc
            }
          }
        },
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
                reviews {
                  author {
                    __typename
                    id
                  }
                }
              }
            }
          },
        },
        Flatten(path: "topProducts.@.reviews.@.author") {
          Fetch(service: "accounts") {
            {
              ... on User {
                __typename
                id
              }
            } =>
            {
              ... on User {
                name
              }
            }
          },
        },
      },
    }
        """
    )


def test_a_key_the_source_subgraph_knows_is_chosen_among_several() -> None:
    """orders knows User only by email, so accounts is entered by email."""
    query = "{ orders { buyer { name } } }"
    assert plan_text("keys", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "orders") {
          {
            orders {
              buyer {
                __typename
                email
              }
            }
          }
        },
        Flatten(path: "orders.@.buyer") {
          Fetch(service: "accounts") {
            {
              ... on User {
                __typename
                email
              }
            } =>
            {
              ... on User {
                name
              }
            }
          },
        },
      },
    }
        """
    )


def test_nested_key_sends_the_nested_object_in_the_representation() -> None:
    """shipping knows Order by number and region { code }."""
    query = "{ orders { tracking } }"
    assert plan_text("keys", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "orders") {
          {
            orders {
              __typename
              number
              region {
                code
              }
            }
          }
        },
        Flatten(path: "orders.@") {
          Fetch(service: "shipping") {
            {
              ... on Order {
                __typename
                number
                region {
                  code
                }
              }
            } =>
            {
              ... on Order {
                tracking
              }
            }
          },
        },
      },
    }
        """
    )


def test_compound_key_enters_a_third_subgraph() -> None:
    """A key of two fields, two jumps away."""
    query = "{ orders { shipment { eta } } }"
    assert plan_text("keys", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "orders") {
          {
            orders {
              __typename
              number
              region {
                code
              }
            }
          }
        },
        Flatten(path: "orders.@") {
          Fetch(service: "shipping") {
            {
              ... on Order {
                __typename
                number
                region {
                  code
                }
              }
            } =>
            {
              ... on Order {
                shipment {
                  __typename
                  carrier
                  trackingNumber
                }
              }
            }
          },
        },
        Flatten(path: "orders.@.shipment") {
          Fetch(service: "legacy") {
            {
              ... on Shipment {
                __typename
                carrier
                trackingNumber
              }
            } =>
            {
              ... on Shipment {
                eta
              }
            }
          },
        },
      },
    }
        """
    )


def test_unresolvable_key_is_never_a_jump_target() -> None:
    """orders defines capacity but its Warehouse key is resolvable: false; legacy serves it."""
    query = "{ warehouses { capacity } }"
    assert plan_text("keys", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "shipping") {
          {
            warehouses {
              __typename
              code
            }
          }
        },
        Flatten(path: "warehouses.@") {
          Fetch(service: "legacy") {
            {
              ... on Warehouse {
                __typename
                code
              }
            } =>
            {
              ... on Warehouse {
                capacity
              }
            }
          },
        },
      },
    }
        """
    )


def test_entity_fields_of_two_subgraphs_at_one_path_run_in_parallel() -> None:
    """Independent flattens under one parent go in Parallel."""
    query = "{ topProducts { reviews { body } inStock } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "products") {
          {
            topProducts {
              __typename
              upc
            }
          }
        },
        Parallel {
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
                  reviews {
                    body
                  }
                }
              }
            },
          },
          Flatten(path: "topProducts.@") {
            Fetch(service: "inventory") {
              {
                ... on Product {
                  __typename
                  upc
                }
              } =>
              {
                ... on Product {
                  inStock
                }
              }
            },
          },
        },
      },
    }
        """
    )

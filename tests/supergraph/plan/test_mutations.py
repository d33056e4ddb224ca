"""Mutations: strictly in order, one fetch per consecutive run of one subgraph."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_mutations_run_in_order_and_consecutive_fields_share_a_fetch() -> None:
    """cart, orders, cart again."""
    query = (
        'mutation { a: addItem(sku: "x") { id } b: addItem(sku: "y") { '
        "id } placeOrder { total } clearCart { id } }"
    )
    assert plan_text("mutations", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "cart") {
          {
            a: addItem(sku: "x") {
              id
            }
            b: addItem(sku: "y") {
              id
            }
          }
        },
        Fetch(service: "orders") {
          {
            placeOrder {
              total
            }
          }
        },
        Fetch(service: "cart") {
          {
            clearCart {
              id
            }
          }
        },
      },
    }
        """
    )


def test_mutation_returning_an_entity_is_completed_before_the_next_mutation() -> None:
    """users completes placeOrder, then notify runs."""
    query = 'mutation { placeOrder { buyer { name } } notify(message: "done") }'
    assert plan_text("mutations", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "orders") {
          {
            placeOrder {
              buyer {
                __typename
                id
              }
            }
          }
        },
        Flatten(path: "placeOrder.buyer") {
          Fetch(service: "users") {
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
        Fetch(service: "users") {
          {
            notify(message: "done")
          }
        },
      },
    }
        """
    )

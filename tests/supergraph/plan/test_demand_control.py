"""@cost/@listSize (federation v2.9): in the supergraph, out of the API, no effect on plans."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text, supergraph


def test_cost_directives_stay_out_of_the_api_schema() -> None:
    api = supergraph("demand_control").api_schema
    assert api.get_directive("cost") is None
    assert api.get_directive("listSize") is None
    products = api.query_type.fields["products"]  # type: ignore[union-attr]
    assert products.ast_node is not None
    assert not products.ast_node.directives


def test_fields_with_cost_are_planned_like_any_other() -> None:
    query = "{ products(first: 2) { name price } }"
    assert plan_text("demand_control", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            products(first: 2) {
              __typename
              name
              id
            }
          }
        },
        Flatten(path: "products.@") {
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
              }
            }
          },
        },
      },
    }
        """
    )

"""@context/@fromContext (join__field contextArguments): refused, never planned wrong."""

from __future__ import annotations

import pytest

from supergraph.plan import PlanningError
from tests.supergraph.plan.planning import expected, plan, plan_text, supergraph


def test_context_arguments_are_read_from_join_field() -> None:
    (source,) = supergraph("contexts").types["Item"].fields["price"].sources or ()
    assert source.graph == "catalog"
    ((argument),) = source.context_arguments
    assert (argument.name, argument.type, argument.context, argument.selection) == (
        "currency",
        "String",
        "catalog__shelf",
        " { currency }",
    )


def test_context_argument_is_not_in_the_api_schema() -> None:
    price = supergraph("contexts").api_schema.get_type("Item").fields["price"]  # type: ignore[union-attr]
    assert list(price.args) == ["rounded"]


def test_a_field_with_a_context_argument_is_refused_naming_it() -> None:
    with pytest.raises(PlanningError) as refused:
        plan("contexts", "{ shelf { items { id price(rounded: true) } } }")
    assert refused.value.code == "QUERY_PLANNING_FAILED"
    assert "Item.price" in refused.value.message
    assert "currency:" in refused.value.message
    assert "@fromContext" in refused.value.message


def test_other_fields_of_a_supergraph_with_contexts_are_planned() -> None:
    assert plan_text("contexts", "{ shelf { items { inStock } } }") == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "catalog") {
          {
            shelf {
              items {
                __typename
                id
              }
            }
          }
        },
        Flatten(path: "shelf.items.@") {
          Fetch(service: "stock") {
            {
              ... on Item {
                __typename
                id
              }
            } =>
            {
              ... on Item {
                inStock
              }
            }
          },
        },
      },
    }
        """
    )

"""Introspection root fields are answered by the gateway from the API schema."""

from __future__ import annotations

from graphql import print_ast

from tests.supergraph.plan.planning import expected, plan, plan_text


def test_introspection_fields_go_into_the_introspection_document() -> None:
    result = plan("bench", "{ __schema { queryType { name } } topProducts { upc } }")
    assert result.introspection is not None
    assert print_ast(result.introspection) == expected(
        """
        {
          __schema {
            queryType {
              name
            }
          }
        }
        """
    )


def test_only_introspection_needs_no_fetch() -> None:
    result = plan("bench", '{ __type(name: "Product") { name } }')
    assert result.node is None and result.introspection is not None


def test_introspection_shape_field_is_copied_as_is() -> None:
    result = plan("bench", "{ __schema { queryType { name } } }")
    (field,) = result.shape.default or ()
    assert field.field_name == "__schema" and field.selections is None
    assert field.nullability == (True,)


def test_introspection_is_printed_before_the_fetches() -> None:
    text = plan_text("bench", "{ __schema { queryType { name } } }")
    assert text.startswith("QueryPlan {\n  Introspection {")

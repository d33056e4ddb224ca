"""Fields the principal may not read are not fetched, and are marked in the shape."""

from __future__ import annotations

from supergraph.plan.nodes import DeniedField
from supergraph.plan.printer import print_plan
from tests.supergraph.plan.planning import expected, plan

QUERY = "{ topProducts { name reviews { body } } me { name } }"


def _offset(needle: str) -> int:
    return QUERY.index(needle)


def test_denied_field_is_not_fetched() -> None:
    denied = frozenset({_offset("reviews")})
    assert print_plan(plan("bench", QUERY, denied=denied)) == expected(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "products") {
              {
                topProducts {
                  name
                }
              }
            },
            Fetch(service: "accounts") {
              {
                me {
                  name
                }
              }
            },
          },
        }
        """
    )


def test_denied_field_is_listed_with_its_path_and_coordinate() -> None:
    denied = frozenset({_offset("reviews")})
    assert plan("bench", QUERY, denied=denied).denied == (
        DeniedField(("topProducts", "@", "reviews"), "Product.reviews"),
    )


def test_denied_field_is_marked_in_the_shape_without_selections() -> None:
    result = plan("bench", QUERY, denied=frozenset({_offset("reviews")}))
    (top, _) = result.shape.default or ()
    assert top.selections is not None
    reviews = (top.selections.default or ())[1]
    assert reviews.denied and reviews.selections is None


def test_denied_root_field_leaves_the_other_fetches() -> None:
    result = plan("bench", QUERY, denied=frozenset({_offset("me {")}))
    assert 'service: "accounts"' not in print_plan(result)
    assert result.denied == (DeniedField(("me",), "Query.me"),)

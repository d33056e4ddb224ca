"""@inaccessible elements are planned like any other when the planner needs them."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_inaccessible_field_is_fetched_for_a_requires_but_never_shown() -> None:
    assert plan_text("inaccessible", "{ people { badgeCode } }") == expected(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "people") {
              {
                people {
                  __typename
                  id
                  internalId
                }
              }
            },
            Flatten(path: "people.@") {
              Fetch(service: "badges") {
                {
                  ... on Person {
                    __typename
                    id
                    internalId
                  }
                } =>
                {
                  ... on Person {
                    badgeCode
                  }
                }
              },
            },
          },
        }
        """
    )

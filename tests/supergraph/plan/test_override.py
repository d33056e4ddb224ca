"""@override, progressive override labels and usedOverridden."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_overridden_field_is_fetched_from_the_new_owner() -> None:
    """billing took plan and balance from legacy."""
    query = "{ accounts { plan balance } }"
    assert plan_text("override", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "legacy") {
          {
            accounts {
              __typename
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
                plan
                balance
              }
            }
          },
        },
      },
    }
        """
    )


def test_override_label_below_one_hundred_percent_keeps_the_old_owner() -> None:
    """percent(50): legacy still serves tier."""
    query = "{ accounts { tier } }"
    assert plan_text("override", query) == expected(
        """
    QueryPlan {
      Fetch(service: "legacy") {
        {
          accounts {
            tier
          }
        }
      },
    }
        """
    )


def test_override_label_at_one_hundred_percent_uses_the_new_owner() -> None:
    """percent(100): next serves region."""
    query = "{ accounts { region } }"
    assert plan_text("override", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "legacy") {
          {
            accounts {
              __typename
              id
            }
          }
        },
        Flatten(path: "accounts.@") {
          Fetch(service: "next") {
            {
              ... on Account {
                __typename
                id
              }
            } =>
            {
              ... on Account {
                region
              }
            }
          },
        },
      },
    }
        """
    )


def test_only_percent_one_hundred_counts_as_enabled_without_a_label_evaluator() -> None:
    from supergraph.plan.graph import label_enabled

    assert label_enabled("percent(100)")
    for label in ("percent(99.9)", "percent(50)", "percent(0)", "beta-users", "percent(x)"):
        assert not label_enabled(label), label

"""Root fields: split across subgraphs, run in parallel, or merged into one fetch."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_root_fields_of_one_subgraph_share_one_fetch() -> None:
    """Two root fields of accounts: one fetch."""
    query = "{ me { name } users { id } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Fetch(service: "accounts") {
        {
          me {
            name
          }
          users {
            id
          }
        }
      },
    }
        """
    )


def test_root_fields_of_different_subgraphs_run_in_parallel() -> None:
    """Independent root fetches run side by side."""
    query = "{ me { name } topProducts { name } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Parallel {
        Fetch(service: "accounts") {
          {
            me {
              name
            }
          }
        },
        Fetch(service: "products") {
          {
            topProducts {
              name
            }
          }
        },
      },
    }
        """
    )


def test_arguments_and_aliases_reach_the_subgraph_operation() -> None:
    """Aliases keep both root fields apart."""
    query = "{ first: topProducts(first: 2) { upc } all: topProducts { upc } }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
      Fetch(service: "products") {
        {
          first: topProducts(first: 2) {
            upc
          }
          all: topProducts {
            upc
          }
        }
      },
    }
        """
    )


def test_a_typename_only_query_needs_no_fetch() -> None:
    """The gateway answers __typename of the root itself."""
    query = "{ __typename }"
    assert plan_text("bench", query) == expected(
        """
    QueryPlan {
    }
        """
    )

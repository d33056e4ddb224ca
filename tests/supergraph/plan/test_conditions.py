"""@skip/@include with variables over fetches made for @requires."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_fetches_made_only_for_a_conditional_field_run_under_its_condition() -> None:
    """b runs only to feed c's hasDiscount: both sit in one Include."""
    query = "query Q($bool: Boolean = false) { product { hasDiscount @include(if: $bool) } }"
    assert plan_text("requires_chain", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "a") {
          {
            product {
              __typename
              id
              price
            }
          }
        },
        Include(if: $bool) {
          Sequence {
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Product {
                    isExpensive
                  }
                }
              },
            },
            Flatten(path: "product") {
              Fetch(service: "c") {
                {
                  ... on Product {
                    __typename
                    id
                    isExpensive
                  }
                } =>
                {
                  ... on Product {
                    hasDiscount @include(if: $bool)
                  }
                }
              },
            },
          },
        },
      },
    }
        """
    )


def test_unconditional_field_is_never_merged_into_a_conditional_fetch() -> None:
    """name from c stays outside the Include, in a fetch of its own."""
    query = "query Q($bool: Boolean = false) { product { name hasDiscount @include(if: $bool) } }"
    assert plan_text("requires_chain", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "a") {
          {
            product {
              __typename
              id
              price
            }
          }
        },
        Parallel {
          Flatten(path: "product") {
            Fetch(service: "c") {
              {
                ... on Product {
                  __typename
                  id
                }
              } =>
              {
                ... on Product {
                  name
                }
              }
            },
          },
          Include(if: $bool) {
            Sequence {
              Flatten(path: "product") {
                Fetch(service: "b") {
                  {
                    ... on Product {
                      __typename
                      id
                      price
                    }
                  } =>
                  {
                    ... on Product {
                      isExpensive
                    }
                  }
                },
              },
              Flatten(path: "product") {
                Fetch(service: "c") {
                  {
                    ... on Product {
                      __typename
                      id
                      isExpensive
                    }
                  } =>
                  {
                    ... on Product {
                      hasDiscount @include(if: $bool)
                    }
                  }
                },
              },
            },
          },
        },
      },
    }
        """
    )


def test_skip_becomes_a_skip_node() -> None:
    """The else branch of the condition."""
    query = "query Q($bool: Boolean = true) { product { price hasDiscount @skip(if: $bool) } }"
    assert plan_text("requires_chain", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "a") {
          {
            product {
              __typename
              price
              id
            }
          }
        },
        Skip(if: $bool) {
          Sequence {
            Flatten(path: "product") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Product {
                    isExpensive
                  }
                }
              },
            },
            Flatten(path: "product") {
              Fetch(service: "c") {
                {
                  ... on Product {
                    __typename
                    id
                    isExpensive
                  }
                } =>
                {
                  ... on Product {
                    hasDiscount @skip(if: $bool)
                  }
                }
              },
            },
          },
        },
      },
    }
        """
    )

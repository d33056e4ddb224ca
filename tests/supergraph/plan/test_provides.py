"""@provides: use what the parent subgraph provides, with no extra hop."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_provided_field_is_read_without_a_jump() -> None:
    """reviews provides author.name."""
    query = "{ reviews { author { name } } }"
    assert plan_text("provides", query) == expected(
        """
    QueryPlan {
      Fetch(service: "reviews") {
        {
          reviews {
            author {
              name
            }
          }
        }
      },
    }
        """
    )


def test_provides_on_a_list_field_covers_every_item() -> None:
    """provides on [User!]!."""
    query = "{ reviews { readers { name } } }"
    assert plan_text("provides", query) == expected(
        """
    QueryPlan {
      Fetch(service: "reviews") {
        {
          reviews {
            readers {
              name
            }
          }
        }
      },
    }
        """
    )


def test_fields_outside_provides_still_jump() -> None:
    """email is not provided; editor has no @provides."""
    query = "{ reviews { readers { name email } editor { name } } }"
    assert plan_text("provides", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "reviews") {
          {
            reviews {
              readers {
                __typename
                name
                id
              }
              editor {
                __typename
                id
              }
            }
          }
        },
        Parallel {
          Flatten(path: "reviews.@.readers.@") {
            Fetch(service: "users") {
              {
                ... on User {
                  __typename
                  id
                }
              } =>
              {
                ... on User {
                  email
                }
              }
            },
          },
          Flatten(path: "reviews.@.editor") {
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
        },
      },
    }
        """
    )


def test_provides_on_an_abstract_type_covers_its_fragments() -> None:
    """title provided on both members; seconds jumps to media."""
    query = "{ latest { ... on Article { title } ... on Video { title seconds } } }"
    assert plan_text("provides", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "reviews") {
          {
            latest {
              __typename
              ... on Article {
                title
              }
              ... on Video {
                title
                id
              }
            }
          }
        },
        Flatten(path: "latest.@") {
          Fetch(service: "media") {
            {
              ... on Video {
                __typename
                id
              }
            } =>
            {
              ... on Video {
                seconds
              }
            }
          },
        },
      },
    }
        """
    )

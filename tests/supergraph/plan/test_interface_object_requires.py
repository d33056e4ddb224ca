"""@requires on an @interfaceObject field."""

from __future__ import annotations

from tests.supergraph.plan.planning import expected, plan_text


def test_interface_object_requires_fetches_from_the_interface_owner_first() -> None:
    """b knows NodeWithName as an object; name comes from a."""
    query = "{ anotherUsers { id name username } }"
    assert plan_text("interface_object_requires", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "b") {
          {
            anotherUsers {
              __typename
              id
            }
          }
        },
        Flatten(path: "anotherUsers.@") {
          Fetch(service: "a") {
            {
              ... on NodeWithName {
                __typename
                id
              }
            } =>
            {
              ... on NodeWithName {
                name
              }
            }
          },
        },
        Flatten(path: "anotherUsers.@") {
          Fetch(service: "b") {
            {
              ... on NodeWithName {
                __typename
                id
                name
              }
            } =>
            {
              ... on NodeWithName {
                username
              }
            }
          },
        },
      },
    }
        """
    )


def test_concrete_objects_reach_an_interface_object_field_with_requires() -> None:
    """a returns Users; b resolves username of NodeWithName."""
    query = "{ users { id name username } }"
    assert plan_text("interface_object_requires", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "a") {
          {
            users {
              __typename
              id
              name
            }
          }
        },
        Flatten(path: "users.@") {
          Fetch(service: "b") {
            {
              ... on NodeWithName {
                __typename
                id
                name
              }
            } =>
            {
              ... on NodeWithName {
                username
              }
            }
          },
        },
      },
    }
        """
    )


def test_type_condition_on_interface_object_results_asks_the_owner() -> None:
    """The concrete type and age come from a; username from b."""
    query = "{ anotherUsers { ... on User { age id name username } id name } }"
    assert plan_text("interface_object_requires", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "b") {
          {
            anotherUsers {
              __typename
              id
            }
          }
        },
        Flatten(path: "anotherUsers.@") {
          Fetch(service: "a") {
            {
              ... on NodeWithName {
                __typename
                id
              }
            } =>
            {
              ... on NodeWithName {
                __typename
                name
                ... on User {
                  age
                  id
                  name
                }
              }
            }
          },
        },
        Flatten(path: "anotherUsers.@") {
          Fetch(service: "b") {
            {
              ... on NodeWithName {
                __typename
                id
                name
              }
            } =>
            {
              ... on NodeWithName {
                username
              }
            }
          },
        },
      },
    }
        """
    )

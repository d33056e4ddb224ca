"""@interfaceObject: subgraphs that know an interface only as an object type."""

from __future__ import annotations

from supergraph.plan.nodes import FetchNode, FlattenNode, RequiredFragment, SequenceNode
from tests.supergraph.plan.planning import expected, plan, plan_text


def test_interface_object_answers_its_own_fields_without_entity_calls() -> None:
    """b resolves name of every Account itself."""
    query = "{ accounts { name } }"
    assert plan_text("interface_object", query) == expected(
        """
    QueryPlan {
      Fetch(service: "b") {
        {
          accounts {
            __typename
            name
          }
        }
      },
    }
        """
    )


def test_type_condition_on_interface_object_asks_the_owner_for_the_type_first() -> None:
    """Only a knows which Accounts are Admins; b then answers name for those."""
    query = "{ accounts { ... on Admin { name } } }"
    assert plan_text("interface_object", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "b") {
          {
            accounts {
              __typename
              id
            }
          }
        },
        Flatten(path: "accounts.@") {
          Fetch(service: "a") {
            {
              ... on Account {
                __typename
                id
              }
            } =>
            {
              ... on Account {
                __typename
                ... on Admin {
                  id
                }
              }
            }
          },
        },
        Flatten(path: "accounts.@") {
          Fetch(service: "b") {
            {
              ... on Account {
                __typename
                id
              }
            } =>
            {
              ... on Account {
                name
              }
            }
          },
        },
      },
    }
        """
    )


def test_typename_of_interface_object_comes_from_the_owner() -> None:
    """b cannot tell the concrete type."""
    query = "{ accounts { name __typename } }"
    assert plan_text("interface_object", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "b") {
          {
            accounts {
              __typename
              name
              id
            }
          }
        },
        Flatten(path: "accounts.@") {
          Fetch(service: "a") {
            {
              ... on Account {
                __typename
                id
              }
            } =>
            {
              ... on Account {
                __typename
              }
            }
          },
        },
      },
    }
        """
    )


def test_interface_object_field_from_another_interface_object_subgraph() -> None:
    """c knows Account as an @interfaceObject too: no type needed."""
    query = "{ accounts { id isActive } }"
    assert plan_text("interface_object", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "b") {
          {
            accounts {
              __typename
              id
            }
          }
        },
        Flatten(path: "accounts.@") {
          Fetch(service: "c") {
            {
              ... on Account {
                __typename
                id
              }
            } =>
            {
              ... on Account {
                isActive
              }
            }
          },
        },
      },
    }
        """
    )


def test_field_of_a_type_condition_is_read_from_the_owner_when_it_has_it() -> None:
    """a resolves Admin.isActive while telling the type."""
    query = "{ accounts { id ... on Admin { isActive } } }"
    assert plan_text("interface_object", query) == expected(
        """
    QueryPlan {
      Sequence {
        Fetch(service: "b") {
          {
            accounts {
              __typename
              id
            }
          }
        },
        Flatten(path: "accounts.@") {
          Fetch(service: "a") {
            {
              ... on Account {
                __typename
                id
              }
            } =>
            {
              ... on Account {
                __typename
                ... on Admin {
                  isActive
                }
              }
            }
          },
        },
      },
    }
        """
    )


def test_entity_call_from_one_concrete_type_takes_only_objects_of_that_type() -> None:
    node = plan("interface_object", "{ accounts { ... on Admin { name } } }").node
    assert isinstance(node, SequenceNode)
    last = node.nodes[-1]
    assert isinstance(last, FlattenNode) and isinstance(last.node, FetchNode)
    assert last.node.representation_typename == "Account"
    (fragment,) = last.node.requires or ()
    assert isinstance(fragment, RequiredFragment)
    assert fragment.type_condition == "Account" and fragment.possible_types == {"Admin"}

"""The query plan: the contract between the planner (builds it) and the executor (runs it).

A plan is a tree of Fetch, Sequence, Parallel, Flatten and Condition nodes (the shape of Apollo's
query plans), plus the *response shape*: the client's operation, normalized, from which the
executor writes the final response straight out of the merged subgraph data (aliases, order,
`__typename`, `@skip`/`@include`, null propagation, unauthorized fields), with no graphql-core
execution on the hot path.

Conventions:
- Merged data uses the client's response keys. Fields a fetch needs only for representations
  (keys, `@requires` fields, `__typename`) are fetched under their own field names, and the planner
  keeps them from colliding with a client alias.
- A flatten path is a tuple of response keys, with "@" standing for "every item of this list".
- Every node is immutable and hashable enough to be cached with the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from graphql import DocumentNode

# ---------------------------------------------------------------- representations


@dataclass(frozen=True, slots=True)
class RequiredField:
    """A field copied from merged data into an entity representation (read by `name`)."""

    name: str
    selections: tuple[RequiredSelection, ...] | None = None
    # Extension: the key the field was fetched under in merged data when the client used `name`
    # as the response key of another field (the representation still carries it as `name`).
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class RequiredFragment:
    """Fields copied only from objects whose `__typename` is `type_condition` (or implements it)."""

    type_condition: str
    selections: tuple[RequiredSelection, ...]
    possible_types: frozenset[str] = frozenset()  # concrete types matching the condition


RequiredSelection = RequiredField | RequiredFragment


# ---------------------------------------------------------------- plan nodes


@dataclass(frozen=True, slots=True)
class FetchNode:
    """One request to one subgraph.

    With `requires` set this is an entity fetch: the executor builds one representation per
    object found at the enclosing Flatten path (objects whose `__typename` matches no fragment of
    `requires` are skipped), deduplicates them, sends them all as `$representations` in one
    request, and merges `_entities[i]` back into every object that produced representation i.
    """

    service: str
    operation: str  # the GraphQL document sent to the subgraph
    operation_kind: Literal["query", "mutation"] = "query"
    operation_name: str | None = None
    variable_usages: tuple[str, ...] = ()  # client variables this fetch forwards
    requires: tuple[RequiredSelection, ...] | None = None
    # @interfaceObject: representations carry the interface's name as __typename, and the
    # concrete __typename already in merged data must not be overwritten by the answer.
    representation_typename: str | None = None
    id: int = 0


@dataclass(frozen=True, slots=True)
class FlattenNode:
    """Run `node` for the objects found at `path` in merged data (entity fetches only)."""

    path: tuple[str, ...]
    node: PlanNode
    # Extension: (depth, type names): after `depth` elements of `path`, only objects whose
    # `__typename` is one of the names go on (Apollo's `review|[UserReview].product`).
    type_conditions: tuple[tuple[int, frozenset[str]], ...] = ()


@dataclass(frozen=True, slots=True)
class SequenceNode:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class ParallelNode:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class ConditionNode:
    """Branch on a Boolean variable (from `@skip`/`@include` on a whole subtree)."""

    variable: str
    if_clause: PlanNode | None
    else_clause: PlanNode | None


PlanNode = FetchNode | FlattenNode | SequenceNode | ParallelNode | ConditionNode


# ---------------------------------------------------------------- response shape


@dataclass(frozen=True, slots=True)
class ShapeField:
    """One field of the client's response, in the order the client asked for it.

    `nullability[i]` says whether level i is non-null: level 0 is the field itself, level 1 the
    items of a list, and so on (`[[Int!]]!` is `(True, False, True)`).
    """

    response_key: str
    field_name: str
    nullability: tuple[bool, ...] = (False,)
    selections: SelectionShape | None = None  # None for leaves
    # `__typename` whose value the gateway knows without data (parent is an object type).
    typename: str | None = None
    # (variable, value that keeps the field):
    # @include(if: $v) -> (v, True); @skip(if: $v) -> (v, False)
    conditions: tuple[tuple[str, bool], ...] = ()
    # The principal may not read this field: it is not fetched; null + UNAUTHORIZED_FIELD_OR_TYPE.
    denied: bool = False
    enum_values: frozenset[str] | None = None  # for enum leaves: values the client may see


@dataclass(frozen=True, slots=True)
class SelectionShape:
    """Selections of a composite value.

    For an object type, `default` holds the fields. For an abstract type, `by_type` maps each
    possible runtime type name (read from `__typename` in merged data) to its fields; a runtime
    type missing from `by_type` gets `default` (or nothing when `default` is None).
    """

    default: tuple[ShapeField, ...] | None = None
    by_type: Mapping[str, tuple[ShapeField, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeniedField:
    """A field removed by authorization, for error messages."""

    path: tuple[str, ...]  # response keys from the root, "@" for list items
    coordinate: str  # "Type.field"


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """Everything the executor needs to answer one operation."""

    node: PlanNode | None
    shape: SelectionShape  # the root selection set
    operation_kind: Literal["query", "mutation", "subscription"] = "query"
    # Root fields answered by the gateway itself (`__schema`, `__type`) with graphql-core over
    # the API schema: a document selecting only those fields, fragments included.
    introspection: DocumentNode | None = None
    denied: tuple[DeniedField, ...] = ()

"""The query planner: a client operation in, a cached QueryPlan out."""

from __future__ import annotations

import logging
from collections import OrderedDict
from threading import Lock

from graphql import print_ast
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from supergraph.model import Supergraph
from supergraph.plan.build import GroupBuilder
from supergraph.plan.errors import PlanningError
from supergraph.plan.fetch_group import FetchGroup
from supergraph.plan.graph import SupergraphIndex
from supergraph.plan.nodes import FetchNode, QueryPlan
from supergraph.plan.operation import NField, collect, normalize, select_operation
from supergraph.plan.optimize.merge_siblings import merge_siblings
from supergraph.plan.shape import ShapeBuilder
from supergraph.plan.tree import build_tree

_INTROSPECTION = ("__schema", "__type")
log = logging.getLogger(__name__)


class QueryPlanner:
    """Plans operations over one supergraph; plans are cached in a bounded LRU."""

    def __init__(self, supergraph: Supergraph, cache_size: int = 1024) -> None:
        self.supergraph = supergraph
        self.index = SupergraphIndex(supergraph)
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, str | None, frozenset[int]], QueryPlan] = OrderedDict()
        self._lock = Lock()

    def plan(
        self,
        document: DocumentNode,
        operation_name: str | None = None,
        denied: frozenset[int] = frozenset(),
    ) -> QueryPlan:
        source = document.loc.source.body if document.loc is not None else print_ast(document)
        key = (source, operation_name, denied)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        try:
            plan = self._plan(document, operation_name, denied)
        except PlanningError:
            raise
        except (KeyError, LookupError, RecursionError, TypeError, ValueError) as exc:
            # A planner bug must not become a stack trace for the client; keep it in the log.
            log.exception("query planning failed unexpectedly")
            raise PlanningError(
                f"internal error while planning the operation ({type(exc).__name__})"
            ) from exc
        with self._lock:
            self._cache[key] = plan
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return plan

    def _plan(
        self, document: DocumentNode, operation_name: str | None, denied: frozenset[int]
    ) -> QueryPlan:
        operation = select_operation(document, operation_name)
        kind = operation.operation.value
        if kind == "subscription":
            raise PlanningError("subscriptions are not supported by this gateway")
        root_type = self.index.root_types.get(kind)
        if root_type is None or root_type not in self.index.types:
            raise PlanningError(f"the supergraph has no {kind} root type")
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        selections = normalize(operation.selection_set, fragments)
        fields = collect(selections, lambda c: self.index.applies(c, root_type))
        shape_builder = ShapeBuilder(self.index, denied)
        shape = shape_builder.selection(root_type, selections, ())
        builder = GroupBuilder(self.index, kind, denied)
        builder.plan_root(root_type, fields)
        groups = merge_siblings(builder.groups)
        definitions = {v.variable.name.value: v for v in operation.variable_definitions or ()}

        def to_fetch(group: FetchGroup) -> FetchNode:
            return group.to_fetch(definitions, self.index)

        node = build_tree(groups, to_fetch, kind == "mutation")
        return QueryPlan(
            node=node,
            shape=shape,
            operation_kind=kind,  # type: ignore[arg-type]
            introspection=_introspection(document, operation, fields),
            denied=tuple(shape_builder.denied_fields.values()),
        )


def _introspection(
    document: DocumentNode, operation: OperationDefinitionNode, fields: list[NField]
) -> DocumentNode | None:
    if not any(f.name in _INTROSPECTION for f in fields):
        return None
    kept = tuple(
        s for s in _root_fields(operation.selection_set, document) if s.name.value in _INTROSPECTION
    )
    trimmed = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=(),
        selection_set=SelectionSetNode(selections=kept),
    )
    fragments = tuple(d for d in document.definitions if isinstance(d, FragmentDefinitionNode))
    return DocumentNode(definitions=(trimmed, *fragments))


def _root_fields(selection_set: SelectionSetNode, document: DocumentNode) -> list[FieldNode]:
    """Root fields, looking through fragments (introspection fields are rarely inside them)."""
    from graphql.language import FragmentSpreadNode, InlineFragmentNode

    out: list[FieldNode] = []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            out.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            out.extend(_root_fields(selection.selection_set, document))
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            out.extend(_root_fields(fragments[selection.name.value].selection_set, document))
    return out

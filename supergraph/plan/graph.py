"""Which subgraph can resolve which field, and how to jump between subgraphs: precomputed once.

The supergraph read as a graph: nodes are (subgraph, type), edges are the fields a subgraph
resolves and the entity keys that lead from one subgraph to another.
"""

from __future__ import annotations

import re
from functools import cached_property

from graphql import GraphQLEnumType, GraphQLSchema

from supergraph.model import Supergraph
from supergraph.model.elements import FieldSource, Key, TypeInfo

_PERCENT = re.compile(r"^percent\((\d+(?:\.\d+)?)\)$")


def label_enabled(label: str) -> bool:
    """Progressive @override labels: only `percent(100)` is on without a label evaluator."""
    match = _PERCENT.match(label)
    return match is not None and float(match.group(1)) >= 100


class SupergraphIndex:
    """Answers the planner's questions about the supergraph, memoized."""

    def __init__(self, supergraph: Supergraph) -> None:
        self.sg = supergraph
        self.types = supergraph.types
        self.api: GraphQLSchema = supergraph.api_schema
        self.graph_order = list(supergraph.subgraphs)
        self._resolvable: dict[tuple[str, str, str], bool] = {}
        self._resolvers: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._possible: dict[tuple[str | None, str], tuple[str, ...]] = {}
        self._key_fields: dict[tuple[str, str], frozenset[str]] = {}
        # (subgraph, type, field) -> the names of its arguments filled from a context
        self.contextual: dict[tuple[str, str, str], tuple[str, ...]] = {
            (source.graph, info.name, fi.name): tuple(a.name for a in source.context_arguments)
            for info in supergraph.types.values()
            for fi in info.fields.values()
            for source in fi.sources or ()
            if source.context_arguments
        }

    # ------------------------------------------------------------ types

    def type(self, name: str) -> TypeInfo:
        info = self.types.get(name)
        if info is None:
            raise KeyError(name)
        return info

    def is_abstract(self, name: str) -> bool:
        info = self.types.get(name)
        return info is not None and info.abstract

    def is_interface_object(self, graph: str, name: str) -> bool:
        info = self.types.get(name)
        entry = info.graphs.get(graph) if info is not None else None
        return entry is not None and entry.interface_object

    def possible_types(self, abstract: str, graph: str | None = None) -> tuple[str, ...]:
        """Object types that can appear where `abstract` is, in one subgraph or anywhere."""
        cache_key = (graph, abstract)
        found = self._possible.get(cache_key)
        if found is not None:
            return found
        info = self.types.get(abstract)
        out: list[str] = []
        if info is None:
            pass
        elif info.kind == "object":
            out = [abstract]
        elif info.kind == "union":
            for member in info.members:
                if graph is None or not info.members_in or member in info.members_in.get(graph, ()):
                    if graph is None or graph in self.types[member].graphs:
                        out.append(member)
        else:
            for name, candidate in self.types.items():
                if candidate.kind != "object" or abstract not in candidate.interfaces:
                    continue
                if graph is not None:
                    if graph not in candidate.graphs:
                        continue
                    if candidate.implements_in and abstract not in candidate.implements_in.get(
                        graph, ()
                    ):
                        continue
                out.append(name)
        found = tuple(out)
        self._possible[cache_key] = found
        return found

    def api_possible_types(self, abstract: str) -> tuple[str, ...]:
        api_type = self.api.get_type(abstract)
        if api_type is None:
            return ()
        return tuple(t.name for t in self.api.get_possible_types(api_type))  # type: ignore[arg-type]

    def applies(self, condition: str | None, runtime: str) -> bool:
        """Whether a fragment on `condition` applies to objects of type `runtime`."""
        if condition is None or condition == runtime:
            return True
        info = self.types.get(runtime)
        if info is not None and info.kind == "interface":
            return condition in self._interfaces_of(runtime)
        return runtime in self.possible_types(condition)

    def _interfaces_of(self, name: str) -> set[str]:
        info = self.types.get(name)
        out: set[str] = set()
        for interface in info.interfaces if info is not None else ():
            out.add(interface)
            out |= self._interfaces_of(interface)
        return out

    def field_type(self, type_name: str, field: str) -> str:
        info = self.types.get(type_name)
        fi = info.fields.get(field) if info is not None else None
        if fi is None:
            from supergraph.plan.errors import PlanningError

            raise PlanningError(f"type {type_name} has no field {field!r}")
        return fi.named_type

    def enum_values(self, name: str) -> frozenset[str] | None:
        api_type = self.api.get_type(name)
        if isinstance(api_type, GraphQLEnumType):
            return frozenset(api_type.values)
        return None

    # ------------------------------------------------------------ fields

    def source(self, graph: str, type_name: str, field: str) -> FieldSource | None:
        info = self.types.get(type_name)
        fi = info.fields.get(field) if info is not None else None
        if fi is None or fi.sources is None:
            return None
        return next((s for s in fi.sources if s.graph == graph), None)

    def key_fields(self, graph: str, type_name: str) -> frozenset[str]:
        cache_key = (graph, type_name)
        found = self._key_fields.get(cache_key)
        if found is None:
            info = self.types.get(type_name)
            entry = info.graphs.get(graph) if info is not None else None
            names: set[str] = set()
            for key in entry.keys if entry is not None else ():
                names.update(s.name.value for s in key.fields.selections if hasattr(s, "name"))
            found = frozenset(names)
            self._key_fields[cache_key] = found
        return found

    def resolvable(self, graph: str, type_name: str, field: str) -> bool:
        cache_key = (graph, type_name, field)
        found = self._resolvable.get(cache_key)
        if found is None:
            found = self._compute_resolvable(graph, type_name, field)
            self._resolvable[cache_key] = found
        return found

    def _compute_resolvable(self, graph: str, type_name: str, field: str) -> bool:
        if field == "__typename":
            return True
        info = self.types.get(type_name)
        if info is None or graph not in info.graphs:
            return False
        fi = info.fields.get(field)
        if fi is None:
            return False
        if fi.sources is None:
            return True
        source = next((s for s in fi.sources if s.graph == graph), None)
        if source is None:
            return False
        # An @external key field of a type extension (Fed 1 `extend type`, `@extends`) is the
        # subgraph's own: it comes in every representation. On a type the subgraph defines, an
        # external key field is really another subgraph's (Apollo's "fake external" rule).
        if field in self.key_fields(graph, type_name) and (
            source.used_overridden or (source.external and info.graphs[graph].extension)
        ):
            return True
        if source.external or source.used_overridden:
            return False
        if source.override_label is not None:
            enabled = label_enabled(source.override_label)
            return enabled if source.override is not None else not enabled
        return True

    def resolvers(self, type_name: str, field: str) -> list[tuple[str, str]]:
        """(subgraph, entity type to enter with) for every subgraph resolving `type.field`.

        The entity type is the type itself, or an interface of it that the subgraph has as an
        @interfaceObject.
        """
        cache_key = (type_name, field)
        found = self._resolvers.get(cache_key)
        if found is not None:
            return found
        out: list[tuple[str, str]] = []
        for graph in self.graph_order:
            if self.resolvable(graph, type_name, field):
                out.append((graph, type_name))
                continue
            for interface in sorted(self._interfaces_of(type_name)):
                if self.is_interface_object(graph, interface) and self.resolvable(
                    graph, interface, field
                ):
                    out.append((graph, interface))
                    break
        self._resolvers[cache_key] = out
        return out

    def keys(self, graph: str, type_name: str) -> tuple[Key, ...]:
        """Resolvable keys a subgraph accepts to enter `type_name` (its own or its interface's)."""
        info = self.types.get(type_name)
        entry = info.graphs.get(graph) if info is not None else None
        if entry is None:
            return ()
        return tuple(k for k in entry.keys if k.resolvable)

    @cached_property
    def root_types(self) -> dict[str, str]:
        return dict(self.sg.root_types)

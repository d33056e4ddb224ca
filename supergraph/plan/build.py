"""Walks the normalized operation and distributes its fields into fetch groups.

Each position of the operation (a selection set at a response path) lives in one fetch group.
A field the group's subgraph resolves is added there; any other field makes an entity jump:
the key (and @requires) fields are planned at the current position first, then the field is
added to an entity group of a subgraph that resolves it, which depends on every group that
contributed to the representation.
"""

from __future__ import annotations

from graphql.language import SelectionSetNode

from supergraph.model.elements import Key
from supergraph.plan.errors import PlanningError
from supergraph.plan.fetch_group import FetchGroup, argument_alias
from supergraph.plan.graph import SupergraphIndex
from supergraph.plan.operation import Conditions, NField, NFragment, NSelection, collect
from supergraph.plan.position import (
    Position,
    Provided,
    internal_selections,
    keys_of,
    provided_field,
    provided_tree,
    restrict,
    selected_leaf,
    top_names,
)

_COMPOSITE = ("object", "interface", "union")


class GroupBuilder:
    """Builds the fetch groups of one operation."""

    def __init__(self, index: SupergraphIndex, kind: str, denied: frozenset[int]) -> None:
        self.index = index
        self.kind = "mutation" if kind == "mutation" else "query"
        self.denied = denied
        self.groups: list[FetchGroup] = []
        self._by_key: dict[tuple[object, ...], FetchGroup] = {}
        self._touched: list[set[int]] = []
        self._active: set[tuple[object, ...]] = set()
        # Conditions of the client field whose key or @requires fields are being planned: the
        # fetches made only for them run under the same conditions.
        self._on_behalf: Conditions = ()

    # ------------------------------------------------------------ groups

    def _new_group(self, service: str, **kwargs: object) -> FetchGroup:
        group = FetchGroup(len(self.groups), service, self.kind, **kwargs)  # type: ignore[arg-type]
        self.groups.append(group)
        return group

    def _entity_group(
        self,
        service: str,
        path: tuple[str, ...],
        deps: frozenset[int],
        typename: str | None,
        requires: SelectionSetNode | None = None,
        typed: tuple[tuple[int, frozenset[str], frozenset[str]], ...] = (),
    ) -> FetchGroup:
        # only ancestors strictly above the entity matter: its own type is in the representation
        typed = tuple(t for t in typed if t[0] < len(path))
        # A representation carries one value per field: requirements asking one field with
        # other arguments need entity fetches of their own.
        turn = 0
        while True:
            key = (service, path, deps, typename, typed, turn)
            group = self._by_key.get(key)
            if group is None:
                group = self._new_group(
                    service,
                    path=path,
                    entity=True,
                    deps=deps,
                    representation_typename=typename,
                    typed=typed,
                )
                group.kind = "query"
                self._by_key[key] = group
                return group
            if requires is None or not group.conflicts_with([requires]):
                return group
            turn += 1

    def _touch(self, group: FetchGroup) -> None:
        for touched in self._touched:
            touched.add(group.id)

    # ------------------------------------------------------------ root

    def plan_root(self, root_type: str, fields: list[NField]) -> None:
        previous: FetchGroup | None = None
        for f in fields:
            if f.name.startswith("__") or (f.loc is not None and f.loc in self.denied):
                continue
            candidates = [
                g for g, via in self.index.resolvers(root_type, f.name) if via == root_type
            ]
            if not candidates:
                raise PlanningError(f"no subgraph resolves the root field {root_type}.{f.name}")
            if self.kind == "mutation":
                if previous is not None and previous.service in candidates:
                    group = previous
                else:
                    group = self._new_group(self._cheapest(candidates, root_type, f))
                previous = group
            else:
                # the subgraph that completes most of the field itself; among equals, one
                # already fetched from (one request fewer), then the first
                service = min(
                    candidates,
                    key=lambda g: (
                        self._misses(g, root_type, f, 3),
                        0 if ("root", g) in self._by_key else 1,
                        candidates.index(g),
                    ),
                )
                for part_service, part in self._root_parts(service, candidates, root_type, f):
                    group = self._by_key.get(("root", part_service)) or self._new_group(
                        part_service
                    )
                    self._by_key[("root", part_service)] = group
                    group.entry_conditions.append(part.conditions)
                    self.add_local(Position(group, group.selections, ()), root_type, part)
                continue
            group.entry_conditions.append(f.conditions)
            self.add_local(Position(group, group.selections, ()), root_type, f)

    def _root_parts(
        self, service: str, candidates: list[str], root_type: str, f: NField
    ) -> list[tuple[str, NField]]:
        """A shared root field, split between the subgraphs that together complete it."""
        stranded = self._stranded(service, root_type, f)
        if not stranded:
            return [(service, f)]
        parts: list[tuple[str, NField]] = []
        kept = restrict(f, keys_of(f) - stranded)
        if kept is not None:
            parts.append((service, kept))
        remaining = set(stranded)
        for other in candidates:
            part = restrict(f, remaining)
            if other == service or part is None:
                continue
            covered = keys_of(part) - self._stranded(other, root_type, part)
            chosen = restrict(f, covered)
            if chosen is not None:
                parts.append((other, chosen))
                remaining -= covered
        rest = restrict(f, remaining)
        if rest is not None:
            parts.append((service, rest))  # planned as far as it goes, then explained
        return parts

    def _cheapest(self, candidates: list[str], type_name: str, f: NField) -> str:
        return min(candidates, key=lambda g: self._misses(g, type_name, f, 3))

    def _misses(
        self, graph: str, type_name: str, f: NField, depth: int, provided: Provided | None = None
    ) -> int:
        """How many fields under `f` the subgraph cannot resolve itself (a cost estimate);
        fields its `@provides` give count as resolved."""
        given = provided_field(provided, type_name, f.name, self.index.applies)
        if given is None and not self.index.resolvable(graph, type_name, f.name):
            return 1
        if depth == 0 or not f.selections:
            return 0
        info = self.index.types.get(type_name)
        fi = info.fields.get(f.name) if info is not None else None
        if fi is None:
            return 0
        if given is None:
            source = self.index.source(graph, type_name, f.name)
            if source is not None and source.provides is not None:
                given = provided_tree(source.provides)
        child = fi.named_type
        child_info = self.index.types.get(child)
        runtimes: tuple[str, ...] = (child,)
        if child_info is not None and child_info.kind in ("interface", "union"):
            runtimes = self.index.possible_types(child, graph) or (child,)
        total = 0
        for runtime in runtimes:
            for sub in collect(f.selections, lambda c, r=runtime: self.index.applies(c, r)):  # type: ignore[misc]
                if sub.name != "__typename":
                    total += self._misses(graph, runtime, sub, depth - 1, given)
        return total

    # ------------------------------------------------------------ positions

    def local(self, pos: Position, type_name: str, name: str) -> bool:
        """Whether the position's subgraph gives the field without an entity call."""
        if provided_field(pos.provided, type_name, name, self.index.applies) is not None:
            return True
        service = pos.group.service
        if not self.index.resolvable(service, type_name, name):
            return False
        source = self.index.source(service, type_name, name)
        # A field with @requires gets its required fields only in a representation.
        return source is None or source.requires is None

    def add_local(self, pos: Position, type_name: str, f: NField) -> None:
        info = self.index.type(type_name)
        fi = info.fields.get(f.name)
        if fi is None:
            raise PlanningError(f"type {type_name} has no field {f.name!r}")
        if self.index.contextual:
            self._refuse_contextual(pos.group.service, type_name, f.name)
        child_type = self.index.types.get(fi.named_type)
        composite = child_type is not None and child_type.kind in _COMPOSITE
        entry = pos.sel.field(f.key, f.name, f.arguments, f.conditions, composite)
        self._touch(pos.group)
        if not composite or entry.sub is None:
            return
        path = pos.path + (f.key,) + ("@",) * (len(fi.nullability) - 1)
        provided = provided_field(pos.provided, type_name, f.name, self.index.applies)
        if provided is None:
            source = self.index.source(pos.group.service, type_name, f.name)
            if source is not None and source.provides is not None:
                provided = provided_tree(source.provides)
        self.plan_selection(
            Position(pos.group, entry.sub, path, provided, typed=pos.typed),
            fi.named_type,
            f.selections or [],
        )

    def _refuse_contextual(self, service: str, type_name: str, name: str) -> None:
        """Context arguments (`@fromContext`) are not planned yet: refusing beats calling the
        subgraph without them (a wrong answer, or an error from deep inside it)."""
        names = self.index.contextual.get((service, type_name, name))
        if names is not None:
            listed = ", ".join(f"{n}:" for n in names)
            raise PlanningError(
                f"cannot plan {type_name}.{name}: in subgraph {service!r} its argument(s) "
                f"({listed}) come from a context (@fromContext), which this gateway does not "
                "plan yet"
            )

    def plan_selection(self, pos: Position, type_name: str, selections: list[NSelection]) -> None:
        info = self.index.type(type_name)
        if info.kind == "object":
            fields = collect(selections, lambda c: self.index.applies(c, type_name))
            self.plan_fields(pos, type_name, fields)
        elif self.index.is_interface_object(pos.group.service, type_name):
            self.plan_interface_object(pos, type_name, selections)
        else:
            self.plan_abstract(pos, type_name, selections)

    def plan_fields(self, pos: Position, type_name: str, fields: list[NField]) -> None:
        client = {f.key: f for f in fields if not f.internal}
        if client:
            pos.client = {**pos.client, **client} if pos.client else client
        for f in fields:
            if f.internal:
                # A required field with arguments gets its own response key: a client field of
                # the same name may ask other arguments, possibly at a position where the
                # client's fields are not known yet.
                key = (
                    argument_alias(f.name, f.arguments) if f.arguments else pos.internal_key(f.name)
                )
                if key != f.key:
                    f = NField(key, f.name, f.arguments, f.conditions, f.selections, f.loc, True)
            if f.name == "__typename":
                if self.index.is_abstract(type_name):
                    pos.sel.field("__typename", "__typename")
                continue
            if f.loc is not None and f.loc in self.denied:
                continue
            if self.local(pos, type_name, f.name):
                if f.internal and f.selections is None and selected_leaf(pos.inherited, f):
                    self._touch(pos.group)
                    continue
                stranded = self._stranded(pos.group.service, type_name, f)
                if stranded and self._jump_options(pos, type_name, f):
                    # A shared field whose selections this subgraph cannot complete: the rest
                    # of them come from another subgraph resolving the same field.
                    kept = restrict(f, {k for k in keys_of(f) if k not in stranded})
                    if kept is not None:
                        self.add_local(pos, type_name, kept)
                    rest = restrict(f, stranded)
                    if rest is not None:
                        self.jump(pos, type_name, rest)
                    continue
                self.add_local(pos, type_name, f)
            else:
                self.jump(pos, type_name, f)

    def _stranded(self, graph: str, type_name: str, f: NField) -> set[str]:
        """Response keys under `f` that `graph` can neither resolve nor reach through a key."""
        if not f.selections:
            return set()
        info = self.index.types.get(type_name)
        fi = info.fields.get(f.name) if info is not None else None
        child = self.index.types.get(fi.named_type) if fi is not None else None
        if child is None or child.kind != "object" or graph not in child.graphs:
            return set()
        out: set[str] = set()
        for sub in collect(f.selections, lambda c: self.index.applies(c, child.name)):
            if sub.name == "__typename" or self.index.resolvable(graph, child.name, sub.name):
                continue
            if not any(
                all(self.index.resolvable(graph, child.name, n) for n in top_names(k.fields))
                for target, via in self.index.resolvers(child.name, sub.name)
                for k in self.index.keys(target, via)
            ):
                out.add(sub.key)
        return out

    def plan_abstract(self, pos: Position, abstract: str, selections: list[NSelection]) -> None:
        index = self.index
        service = pos.group.service
        pos.sel.field("__typename", "__typename")
        possible = index.possible_types(abstract, service)
        common = collect(selections, lambda c: index.applies(c, abstract))
        level: list[NField] = []
        if index.type(abstract).kind == "interface":
            for f in common:
                if f.name == "__typename" or (f.loc is not None and f.loc in self.denied):
                    continue
                if self.local(pos, abstract, f.name) and all(
                    self.local(pos, runtime, f.name) for runtime in possible
                ):
                    level.append(f)
        self.plan_fields(pos, abstract, level)
        handled = {id(f) for f in level}
        for runtime in possible:
            fields = [
                f
                for f in collect(selections, lambda c, r=runtime: index.applies(c, r))  # type: ignore[misc]
                if id(f) not in handled and f.name != "__typename"
            ]
            if fields:
                typed = pos.typed
                if len(possible) > 1:
                    typed = (*typed, (len(pos.path), frozenset({runtime}), frozenset(possible)))
                sub = Position(
                    pos.group,
                    pos.sel.fragment(runtime),
                    pos.path,
                    pos.provided,
                    True,
                    pos.client,
                    pos.sel,
                    typed,
                )
                self.plan_fields(sub, runtime, fields)

    def plan_interface_object(
        self, pos: Position, interface: str, selections: list[NSelection]
    ) -> None:
        """Objects of an interface the subgraph knows only as an @interfaceObject."""
        index = self.index
        pos.sel.field("__typename", "__typename")
        common = collect(selections, lambda c: index.applies(c, interface))
        self.plan_fields(pos, interface, [f for f in common if f.name != "__typename"])
        needs_type = any(f.name == "__typename" and not f.internal for f in common)
        if not needs_type and not self._has_type_specific(selections, interface):
            return
        owners = [
            g
            for g in index.graph_order
            if g != pos.group.service
            and g in index.type(interface).graphs
            and not index.is_interface_object(g, interface)
            and index.keys(g, interface)
        ]
        if not owners:
            raise PlanningError(
                f"no subgraph knows the concrete types of interface {interface} "
                f"(needed from @interfaceObject in {pos.group.service})"
            )
        target = owners[0]
        inner = self._enter(
            pos,
            interface,
            target,
            interface,
            self._pick_key(pos, interface, target, interface),
            None,
        )
        inner.group.entry_conditions.append(())
        inner.sel.field("__typename", "__typename")
        handled = {id(f) for f in common}
        for runtime in index.possible_types(interface, target):
            fields = [
                f
                for f in collect(selections, lambda c, r=runtime: index.applies(c, r))  # type: ignore[misc]
                if id(f) not in handled and f.name != "__typename"
            ]
            if fields:
                sub = Position(
                    inner.group,
                    inner.sel.fragment(runtime),
                    pos.path,
                    None,
                    True,
                    pos.client,
                    typed=pos.typed,
                )
                self.plan_fields(sub, runtime, fields)

    def _has_type_specific(self, selections: list[NSelection], interface: str) -> bool:
        for selection in selections:
            if isinstance(selection, NFragment):
                condition = selection.type_condition
                if condition is not None and not self.index.applies(condition, interface):
                    return True
                if self._has_type_specific(selection.selections, interface):
                    return True
        return False

    # ------------------------------------------------------------ entity jumps

    def jump(self, pos: Position, type_name: str, f: NField) -> None:
        options = self._jump_options(pos, type_name, f)
        if not options:
            raise PlanningError(
                f"cannot plan field {type_name}.{f.name} from subgraph {pos.group.service!r}: "
                f"no other subgraph resolves it under a key reachable from there"
            )
        options.sort(key=lambda o: o[0])
        _, target, via, key = options[0]
        stranded = self._stranded(target, via, f)
        if stranded:
            for _, other, other_via, _ in options[1:]:
                if not self._stranded(other, other_via, restrict(f, stranded) or f):
                    # Split the shared field: what `target` cannot complete comes from `other`.
                    kept = restrict(f, {k for k in keys_of(f) if k not in stranded})
                    rest = restrict(f, stranded)
                    if kept is not None:
                        self._jump_to(pos, type_name, kept, target, via, key)
                    if rest is not None:
                        other_key = self._pick_key(pos, type_name, other, other_via)
                        self._jump_to(pos, type_name, rest, other, other_via, other_key)
                    return
        self._jump_to(pos, type_name, f, target, via, key)

    def _jump_to(
        self, pos: Position, type_name: str, f: NField, target: str, via: str, key: Key
    ) -> None:
        source = self.index.source(target, via, f.name)
        requires = source.requires if source is not None else None
        conditions = self._on_behalf if f.internal else f.conditions
        outer, self._on_behalf = self._on_behalf, conditions
        try:
            inner = self._enter(pos, type_name, target, via, key, requires)
        finally:
            self._on_behalf = outer
        inner.group.entry_conditions.append(conditions)
        self.add_local(inner, via, f)

    def _jump_options(
        self, pos: Position, type_name: str, f: NField
    ) -> list[tuple[tuple[int, int, int, int], str, str, Key]]:
        index = self.index
        service = pos.group.service
        options: list[tuple[tuple[int, int, int, int], str, str, Key]] = []
        for order, (graph, via) in enumerate(index.resolvers(type_name, f.name)):
            if not index.keys(graph, via):
                continue
            if graph == service:
                source = index.source(graph, via, f.name)
                if source is None or source.requires is None:
                    continue
            key = self._pick_key(pos, type_name, graph, via)
            key_local = all(self.local(pos, type_name, n) for n in top_names(key.fields))
            existing = any(
                g.service == graph and g.path == pos.path for g in self.groups if g.entity
            )
            misses = self._misses(graph, via, f, 2)
            options.append(
                ((0 if key_local else 1, 0 if existing else 1, misses, order), graph, via, key)
            )
        return options

    def _pick_key(self, pos: Position, type_name: str, graph: str, via: str) -> Key:
        keys = self.index.keys(graph, via)
        for key in keys:
            if all(self.local(pos, type_name, n) for n in top_names(key.fields)):
                return key
        return keys[0]

    def _enter(
        self,
        pos: Position,
        type_name: str,
        target: str,
        via: str,
        key: Key,
        requires: SelectionSetNode | None,
    ) -> Position:
        """Plan the representation at `pos`, then return the position inside the entity group."""
        # a cycle is the same requirement needed again on the way to itself; a plain field of
        # the target subgraph needed by a requirement there is a separate, earlier jump
        guard = (pos.group.id, pos.path, type_name, target, id(requires) if requires else 0)
        if guard in self._active:
            raise PlanningError(
                f"cannot plan a way into subgraph {target!r} for {type_name}: its key or "
                f"@requires fields depend on each other"
            )
        self._active.add(guard)
        touched = {pos.group.id}
        self._touched.append(touched)
        try:
            if not pos.typename_known:
                pos.sel.field("__typename", "__typename")
            self.plan_selection(pos, type_name, internal_selections(key.fields))
            if requires is not None:
                self.plan_selection(pos, type_name, internal_selections(requires))
        finally:
            self._touched.pop()
            self._active.discard(guard)
        for outer in self._touched:
            outer.update(touched)
        typename = via if self.index.is_interface_object(target, via) else None
        group = self._entity_group(
            target, pos.path, frozenset(touched), typename, requires, pos.typed
        )
        if not self.index.is_abstract(via):
            possible: frozenset[str] = frozenset()
        elif via != type_name and not self.index.is_abstract(type_name):
            # Entered from objects of one concrete type: only those give representations.
            possible = frozenset({type_name})
        else:
            possible = frozenset(self.index.possible_types(via))
        aliases = {
            name: pos.internal_key(name)
            for name in top_names(key.fields) + (top_names(requires) if requires else [])
            if pos.internal_key(name) != name
        }
        group.add_requirement(via, key.fields, possible, aliases)
        if requires is not None:
            group.add_requirement(via, requires, possible, aliases)
        self._touch(group)
        return Position(
            group, group.selections.fragment(via), pos.path, None, True, pos.client, typed=pos.typed
        )

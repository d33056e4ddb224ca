"""Positions in the operation being planned, and the selection helpers the walk uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graphql.language import FieldNode, InlineFragmentNode, SelectionSetNode

from supergraph.plan.fetch_group import FetchGroup, FieldSel, Selections
from supergraph.plan.operation import NField, NFragment, NSelection

Provided = dict[str, "Provided"]
TypedAncestor = tuple[int, frozenset[str], frozenset[str]]


@dataclass(slots=True)
class Position:
    group: FetchGroup
    sel: Selections
    path: tuple[str, ...]
    provided: Provided | None = None
    # the object's __typename is already selected (by an abstract parent, or earlier data)
    typename_known: bool = False
    # the client's fields of this object by response key, to keep internal fields apart
    client: dict[str, NField] | None = None
    # the selection set of the abstract parent, where leaves already selected need no repeat
    inherited: Selections | None = None
    # ancestors entered through a type condition: (depth, types, every possible type there)
    typed: tuple[TypedAncestor, ...] = ()

    def internal_key(self, name: str) -> str:
        """The response key of a field the planner needs: its name, unless the client took it."""
        taken = self.client.get(name) if self.client else None
        if taken is None or (taken.name == name and not taken.arguments):
            return name
        return f"{name}__internal"


_ON = "... on "


def provided_tree(selection_set: SelectionSetNode) -> Provided:
    """A `@provides` selection as a tree of field names; a fragment with a type condition stays a
    branch of its own (`"... on Book"`), so it provides its fields only to objects of that type."""
    out: Provided = {}
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            sub = provided_tree(selection.selection_set) if selection.selection_set else {}
            _merge(out.setdefault(selection.name.value, {}), sub)
        elif isinstance(selection, InlineFragmentNode):
            sub = provided_tree(selection.selection_set)
            if selection.type_condition is None:
                _merge(out, sub)
            else:
                _merge(out.setdefault(_ON + selection.type_condition.name.value, {}), sub)
    return out


def _merge(into: Provided, other: Provided) -> None:
    for name, sub in other.items():
        _merge(into.setdefault(name, {}), sub)


def provided_field(
    provided: Provided | None,
    type_name: str,
    name: str,
    applies: Callable[[str | None, str], bool],
) -> Provided | None:
    """What `provided` gives of field `name` on objects of `type_name`, or None if nothing."""
    if provided is None:
        return None
    found: Provided | None = None
    direct = provided.get(name)
    if direct is not None:
        found = {}
        _merge(found, direct)
    for key, branch in provided.items():
        if key.startswith(_ON) and applies(key[len(_ON) :], type_name):
            inner = provided_field(branch, type_name, name, applies)
            if inner is not None:
                if found is None:
                    found = {}
                _merge(found, inner)
    return found


def internal_selections(selection_set: SelectionSetNode) -> list[NSelection]:
    out: list[NSelection] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            sub = internal_selections(selection.selection_set) if selection.selection_set else None
            name = selection.name.value
            out.append(NField(name, name, tuple(selection.arguments or ()), (), sub, None, True))
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            out.append(NFragment(condition, (), internal_selections(selection.selection_set)))
    return out


def keys_of(f: NField) -> set[str]:
    keys: set[str] = set()

    def walk(selections: list[NSelection]) -> None:
        for s in selections:
            if isinstance(s, NField):
                keys.add(s.key)
            else:
                walk(s.selections)

    walk(f.selections or [])
    return keys


def restrict(f: NField, keys: set[str]) -> NField | None:
    """`f` with only the sub-selections whose response key is in `keys` (None when empty)."""

    def keep(selections: list[NSelection]) -> list[NSelection]:
        out: list[NSelection] = []
        for s in selections:
            if isinstance(s, NField):
                if s.key in keys:
                    out.append(s)
            else:
                inner = keep(s.selections)
                if inner:
                    out.append(NFragment(s.type_condition, s.conditions, inner))
        return out

    kept = keep(f.selections or [])
    if not kept:
        return None
    return NField(f.key, f.name, f.arguments, f.conditions, kept, f.loc, f.internal)


def selected_leaf(selections: Selections | None, f: NField) -> bool:
    if selections is None:
        return False
    entry = selections.entries.get(f.key)
    return isinstance(entry, FieldSel) and entry.name == f.name and not entry.conditions


def top_names(selection_set: SelectionSetNode) -> list[str]:
    return [s.name.value for s in selection_set.selections if isinstance(s, FieldNode)]

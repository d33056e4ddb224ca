"""Positions in the operation being planned, and the selection helpers the walk uses."""

from __future__ import annotations

from dataclasses import dataclass

from graphql.language import FieldNode, InlineFragmentNode, SelectionSetNode

from supergraph.plan.fetch_group import FetchGroup, FieldSel, Selections
from supergraph.plan.operation import NField, NFragment, NSelection

Provided = dict[str, "Provided"]


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

    def internal_key(self, name: str) -> str:
        """The response key of a field the planner needs: its name, unless the client took it."""
        taken = self.client.get(name) if self.client else None
        if taken is None or (taken.name == name and not taken.arguments):
            return name
        return f"{name}__internal"


def provided_tree(selection_set: SelectionSetNode) -> Provided:
    out: Provided = {}
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            sub = provided_tree(selection.selection_set) if selection.selection_set else {}
            out.setdefault(selection.name.value, {}).update(sub)
        elif isinstance(selection, InlineFragmentNode):
            for name, sub in provided_tree(selection.selection_set).items():
                out.setdefault(name, {}).update(sub)
    return out


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

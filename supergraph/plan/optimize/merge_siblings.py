"""Merges entity fetches to the same subgraph at the same path when neither waits for the other."""

from __future__ import annotations

from supergraph.plan.fetch_group import FetchGroup


def _ancestors(
    group: FetchGroup, by_id: dict[int, FetchGroup], memo: dict[int, set[int]]
) -> set[int]:
    found = memo.get(group.id)
    if found is None:
        found = set()
        for dep in group.deps:
            found.add(dep)
            found |= _ancestors(by_id[dep], by_id, memo)
        memo[group.id] = found
    return found


def _guards(
    group: FetchGroup, by_id: dict[int, FetchGroup], memo: dict[int, set[int]]
) -> frozenset[tuple[str, bool]]:
    """The variable conditions a group or any group it waits for runs under."""
    found = set(group.common_conditions())
    for dep in _ancestors(group, by_id, memo):
        found.update(by_id[dep].common_conditions())
    return frozenset(found)


def _union(
    first: tuple[tuple[int, frozenset[str], frozenset[str]], ...],
    second: tuple[tuple[int, frozenset[str], frozenset[str]], ...],
) -> tuple[tuple[int, frozenset[str], frozenset[str]], ...]:
    """Type conditions of a merged fetch: a depth stays conditioned only if both fetches condition
    it, on every type either allows, and not when that covers every possible type."""
    other = {depth: (types, possible) for depth, types, possible in second}
    out = []
    for depth, types, possible in first:
        if depth not in other:
            continue
        union = types | other[depth][0]
        if not union >= possible:
            out.append((depth, union, possible))
    return tuple(out)


def merge_siblings(groups: list[FetchGroup]) -> list[FetchGroup]:
    """One fetch instead of two: the merged fetch waits for the dependencies of both."""
    by_id = {g.id: g for g in groups}
    alive = list(groups)
    changed = True
    while changed:
        changed = False
        memo: dict[int, set[int]] = {}
        for i, first in enumerate(alive):
            if not first.entity:
                continue
            for second in alive[i + 1 :]:
                if (
                    not second.entity
                    or second.service != first.service
                    or second.path != first.path
                    or second.representation_typename != first.representation_typename
                ):
                    continue
                if first.id in _ancestors(second, by_id, memo) or second.id in _ancestors(
                    first, by_id, memo
                ):
                    continue
                if _guards(first, by_id, memo) != _guards(second, by_id, memo):
                    continue  # one runs under a @skip/@include the other does not
                if first.conflicts_with([f for sets, _ in second.requires.values() for f in sets]):
                    continue  # one representation cannot carry a field with two argument sets
                _absorb(first, second)
                alive.remove(second)
                for other in alive:
                    if second.id in other.deps:
                        other.deps = (other.deps - {second.id}) | {first.id}
                first.deps = first.deps - {first.id}
                changed = True
                break
            if changed:
                break
    return alive


def _absorb(target: FetchGroup, source: FetchGroup) -> None:
    target.selections.merge(source.selections)
    for type_condition, (sets, possible) in source.requires.items():
        for fields in sets:
            target.add_requirement(
                type_condition, fields, possible, source.required_aliases.get(type_condition)
            )
    target.deps = target.deps | source.deps
    target.typed = _union(target.typed, source.typed)
    target.entry_conditions.extend(source.entry_conditions)

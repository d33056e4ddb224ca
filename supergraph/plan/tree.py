"""Turns fetch groups and their dependencies into a tree of Sequence/Parallel/Flatten nodes.

Each group runs after the groups it depends on. A group with one dependency hangs under it
(Sequence(parent, Parallel(children))); a group with several hangs under their deepest
common ancestor, after all of that ancestor's children, so independent branches stay parallel.
"""

from __future__ import annotations

from collections.abc import Callable

from supergraph.plan.fetch_group import FetchGroup
from supergraph.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    SequenceNode,
)

_ROOT = -1


def _topological(groups: list[FetchGroup]) -> list[FetchGroup]:
    by_id = {g.id: g for g in groups}
    out: list[FetchGroup] = []
    done: set[int] = set()

    def visit(group: FetchGroup) -> None:
        if group.id in done:
            return
        done.add(group.id)
        for dep in sorted(group.deps):
            if dep in by_id:
                visit(by_id[dep])
        out.append(group)

    for group in groups:
        visit(group)
    return out


def build_tree(
    groups: list[FetchGroup], to_fetch: Callable[[FetchGroup], FetchNode], mutation: bool
) -> PlanNode | None:
    ordered = _topological(groups)
    anchor: dict[int, int] = {}
    children: dict[int, list[int]] = {_ROOT: []}
    after: dict[int, list[int]] = {_ROOT: []}

    def chain(node: int) -> list[int]:
        out = [node]
        while node != _ROOT:
            node = anchor[node]
            out.append(node)
        return out  # node ... root

    for group in ordered:
        deps = sorted(group.deps)
        children.setdefault(group.id, [])
        after.setdefault(group.id, [])
        if not deps:
            anchor[group.id] = _ROOT
            children[_ROOT].append(group.id)
            continue
        chains = {d: chain(d) for d in deps}
        deepest = max(deps, key=lambda d: len(chains[d]))
        if all(d in chains[deepest] for d in deps):
            anchor[group.id] = deepest
            children[deepest].append(group.id)
            continue
        common = [n for n in chains[deepest] if all(n in chains[d] for d in deps)]
        top = common[0]
        anchor[group.id] = top
        after[top].append(group.id)

    by_id = {g.id: g for g in groups}
    levels: dict[int, int] = {}

    def level_of(node: int, top: int) -> int:
        """1 + the level of the after-branch of `top` each dependency sits in."""
        found = levels.get(node)
        if found is not None:
            return found
        level = 1
        for dep in by_id[node].deps:
            branch = _branch_under(chain(dep), top)
            if branch is not None and branch in after[top]:
                level = max(level, level_of(branch, top) + 1)
        levels[node] = level
        return level

    def plan(node: int, active: frozenset[tuple[str, bool]]) -> PlanNode | None:
        parts: list[PlanNode] = []
        own = by_id[node].common_conditions() if node != _ROOT else ()
        inner = active | set(own)
        if node != _ROOT:
            group = by_id[node]
            fetch: PlanNode = to_fetch(group)
            if group.entity:
                conditions = tuple((depth, types) for depth, types, _ in group.typed)
                fetch = FlattenNode(group.path, fetch, conditions)
            parts.append(fetch)
        kids = [p for p in (plan(c, inner) for c in children[node]) if p is not None]
        if node == _ROOT and mutation:
            parts.extend(kids)
        elif kids:
            parts.append(kids[0] if len(kids) == 1 else ParallelNode(tuple(kids)))
        if after[node]:
            by_level: dict[int, list[PlanNode]] = {}
            for a in after[node]:
                sub = plan(a, inner)
                if sub is not None:
                    by_level.setdefault(level_of(a, node), []).append(sub)
            for lvl in sorted(by_level):
                items = by_level[lvl]
                parts.append(items[0] if len(items) == 1 else ParallelNode(tuple(items)))
        result = _sequence(parts)
        if result is not None and node != _ROOT:
            for variable, keep_when in reversed([c for c in own if c not in active]):
                result = (
                    ConditionNode(variable, result, None)
                    if keep_when
                    else ConditionNode(variable, None, result)
                )
        return result

    return plan(_ROOT, frozenset())


def _branch_under(path_to_root: list[int], top: int) -> int | None:
    """The node just below `top` on a chain (node ... root), None when `top` is not on it."""
    if top not in path_to_root:
        return None
    index = path_to_root.index(top)
    return path_to_root[index - 1] if index > 0 else None


def _sequence(parts: list[PlanNode]) -> PlanNode | None:
    flat: list[PlanNode] = []
    for part in parts:
        if isinstance(part, SequenceNode):
            flat.extend(part.nodes)
        else:
            flat.append(part)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else SequenceNode(tuple(flat))

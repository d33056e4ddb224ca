"""A subset of Apollo's satisfiability check: fields reachable from a root resolve.

Walks (subgraph, type) states from each subgraph's root fields. An object field is satisfiable
from a subgraph that resolves it, or by an entity jump to a subgraph that resolves it and declares a
resolvable @key whose fields the current subgraph has. Requires-conditions and provides paths are
approximated generously, so the check errs towards accepting.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from graphql.language import FieldNode

from .errors import Report
from .fieldset import FieldSetError, parse_field_set
from .model import INTERFACE, OBJECT, UNION, SubgraphModel
from .supergraph_model import Supergraph
from .typing_rules import named_type


def check_satisfiability(
    subgraphs: list[SubgraphModel], supergraph: Supergraph, report: Report
) -> None:
    by_name = {s.name: s for s in subgraphs}
    overridden = _overridden(subgraphs)
    provided = _provided(subgraphs)
    seen: set[tuple[tuple[str, ...], str]] = set()
    reported: set[str] = set()
    # A state is a supergraph path and every subgraph the gateway could be in there: a field
    # is unsatisfiable only when no option reaches it (Apollo's rule), not when one fails.
    queue: deque[tuple[tuple[str, ...], str, tuple[str, ...]]] = deque()
    for root in ("Query", "Mutation"):
        starts: dict[str, list[str]] = {}
        targets: dict[str, str] = {}
        for subgraph in subgraphs:
            model = subgraph.types.get(root)
            for field in model.fields.values() if model else ():
                if not field.external:
                    starts.setdefault(field.name, []).append(subgraph.name)
                    targets[field.name] = named_type(field.type)
        for field_name, where in starts.items():
            queue.append((tuple(sorted(where)), targets[field_name], (field_name,)))
    while queue:
        options, type_name, path = queue.popleft()
        if (options, type_name) in seen or len(path) > 30:
            continue
        seen.add((options, type_name))
        merged = supergraph.types.get(type_name)
        if merged is None:
            continue
        objects: list[SubgraphModel] = []
        members: dict[str, set[str]] = {}
        for name in options:
            subgraph = by_name[name]
            local = subgraph.types.get(type_name)
            if local is None:
                continue
            if local.kind in (INTERFACE, UNION) or local.interface_object:
                possible = (
                    local.members
                    if local.kind == UNION
                    else [
                        t.name
                        for t in subgraph.types.values()
                        if type_name in t.interfaces and t.kind == OBJECT
                    ]
                )
                for member in possible:
                    members.setdefault(member, set()).add(name)
            elif local.kind == OBJECT:
                objects.append(subgraph)
        for member, holders in members.items():
            queue.append((tuple(sorted(holders)), member, path))
        if not objects:
            continue
        for field_name, merged_field in merged.fields.items():
            field_path = (*path, field_name)
            target = named_type(merged_field.type)
            reached: set[str] = set()
            for subgraph in objects:
                own = subgraph.types[type_name].fields.get(field_name)
                if own is not None and (
                    (not own.external or (type_name, field_name) in provided[subgraph.name])
                    and (type_name, field_name, subgraph.name) not in overridden
                ):
                    reached.add(subgraph.name)
                # the gateway may also jump to another subgraph first and read the field there
                # (a parent entity call), which opens what lies below the field in that subgraph
                jumps = _jumps(subgraphs, subgraph, type_name, field_name, overridden)
                reached.update(other.name for other in jumps)
            if reached:
                queue.append((tuple(sorted(reached)), target, field_path))
                continue
            if merged_field.joins and all(j.graph is None for j in merged_field.joins):
                continue  # added by an @interfaceObject: resolved through the interface's entity
            coordinate = f"{type_name}.{field_name}"
            if coordinate in reported:
                continue
            reported.add(coordinate)
            report.error(
                "SATISFIABILITY_ERROR",
                _message(subgraphs, objects, type_name, field_name, field_path),
                tuple(s.name for s in objects),
                coordinate,
            )


def _jumps(
    subgraphs: list[SubgraphModel],
    current: SubgraphModel,
    type_name: str,
    field_name: str,
    overridden: set[tuple[str, str, str]],
) -> list[SubgraphModel]:
    """Subgraphs resolving the field that entity jumps (one or several) reach from `current`.

    A key can be used once every one of its fields is resolvable in some subgraph reached so far.
    """
    reached = [current]
    available = _resolvable(current, type_name)
    grew = True
    while grew:
        grew = False
        for other in subgraphs:
            model = other.types.get(type_name)
            if other in reached or model is None:
                continue
            if any(k.resolvable and _has_key_fields(available, k.fields) for k in model.keys):
                reached.append(other)
                available |= _resolvable(other, type_name)
                grew = True
    out = []
    for other in reached[1:]:
        field = other.types[type_name].fields.get(field_name)
        if (
            field is not None
            and not field.external
            and (type_name, field_name, other.name) not in overridden
        ):
            out.append(other)
    return out


def _resolvable(subgraph: SubgraphModel, type_name: str) -> set[str]:
    model = subgraph.types[type_name]
    return {name for name, field in model.fields.items() if not field.external}


def _has_key_fields(fields: set[str] | Mapping[str, object], key: str) -> bool:
    try:
        selection = parse_field_set(key)
    except FieldSetError:
        return False
    return all(not isinstance(s, FieldNode) or s.name.value in fields for s in selection.selections)


def _overridden(subgraphs: list[SubgraphModel]) -> set[tuple[str, str, str]]:
    out: set[tuple[str, str, str]] = set()
    for subgraph in subgraphs:
        for model in subgraph.types.values():
            for field in model.fields.values():
                if field.override and field.override_label is None:
                    out.add((model.name, field.name, field.override))
    return out


def _provided(subgraphs: list[SubgraphModel]) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for subgraph in subgraphs:
        provided: set[tuple[str, str]] = set()
        for model in subgraph.types.values():
            for field in model.fields.values():
                if field.provides is None:
                    continue
                target = named_type(field.type)
                try:
                    selection = parse_field_set(field.provides)
                except FieldSetError:
                    continue
                for item in selection.selections:
                    name = getattr(getattr(item, "name", None), "value", None)
                    if name:
                        provided.add((target, name))
                        for candidate in subgraph.types.values():
                            if target in candidate.interfaces:
                                provided.add((candidate.name, name))
        out[subgraph.name] = provided
    return out


def _message(
    subgraphs: list[SubgraphModel],
    options: list[SubgraphModel],
    type_name: str,
    field_name: str,
    path: tuple[str, ...],
) -> str:
    query = "{\n"
    for depth, name in enumerate(path):
        query += "  " * (depth + 1) + name + (" {\n" if depth < len(path) - 1 else "\n")
    for depth in range(len(path) - 1, 0, -1):
        query += "  " * depth + "}\n"
    query += "}"
    explained = "\n".join(
        _reasons(subgraphs, current, type_name, field_name) for current in options
    )
    return (
        f"The following supergraph API query:\n{query}\ncannot be satisfied by the subgraphs "
        f"because:\n{explained}"
    )


def _reasons(
    subgraphs: list[SubgraphModel], current: SubgraphModel, type_name: str, field_name: str
) -> str:
    coordinate = f"{type_name}.{field_name}"
    reasons = [f'cannot find field "{coordinate}".']
    for other in subgraphs:
        model = other.types.get(type_name)
        if other is current or model is None or field_name not in model.fields:
            continue
        if not any(k.resolvable for k in model.keys):
            reasons.append(
                f'cannot move to subgraph "{other.name}", which has field "{coordinate}", because '
                "type "
                f'"{type_name}" has no @key defined in subgraph "{other.name}".'
            )
        else:
            reasons.append(
                f'cannot move to subgraph "{other.name}", which has field "{coordinate}", because '
                "none of the "
                f'@key defined on "{type_name}" in subgraph "{other.name}" can be resolved from '
                "subgraph "
                f'"{current.name}".'
            )
    listed = "\n".join(f"  - {r}" for r in reasons)
    return f'- from subgraph "{current.name}":\n{listed}'

"""Merges subgraph models into one supergraph model, recording Federation 2 merge errors."""

from __future__ import annotations

from dataclasses import replace

from graphql.language import DirectiveDefinitionNode, DirectiveNode, print_ast

from .contexts import context_directive
from .demand_control import DEMAND_CONTROL
from .descriptions import pick_description
from .errors import Report, quote_list
from .fieldset import FieldSetError, walk_field_set
from .links import check_import_names
from .merge_fields import merge_applied, merge_field
from .merge_values import merge_enum, merge_input, merge_scalar, merge_union
from .model import (
    ENUM,
    INPUT_OBJECT,
    INTERFACE,
    KIND_WORDS,
    OBJECT,
    SCALAR,
    UNION,
    SubgraphModel,
    TypeModel,
)
from .supergraph_model import (
    JoinField,
    JoinType,
    MergedField,
    MergedType,
    Supergraph,
)
from .typing_rules import named_type

Sources = list[tuple[SubgraphModel, TypeModel]]


def merge(subgraphs: list[SubgraphModel], report: Report) -> Supergraph:
    supergraph = Supergraph(graphs=[(s.graph, s.name, s.url) for s in subgraphs])
    check_import_names(subgraphs, report)
    by_name: dict[str, Sources] = {}
    for subgraph in subgraphs:
        for model in subgraph.types.values():
            by_name.setdefault(model.name, []).append((subgraph, model))
    kinds = _merged_kinds(by_name, report)
    context = MergeContext(subgraphs, by_name, kinds)
    for name in by_name:
        kind = kinds.get(name)
        if kind is None:
            continue
        sources = by_name[name]
        merged: MergedType | None
        if kind in (OBJECT, INTERFACE):
            merged = _merge_composite(context, name, kind, sources, report)
        elif kind == UNION:
            merged = merge_union(name, sources, report)
        elif kind == ENUM:
            merged = merge_enum(name, sources, context.enum_usage(name), report)
        elif kind == INPUT_OBJECT:
            merged = merge_input(name, sources, report)
        else:
            merged = merge_scalar(name, sources, report)
        if merged is not None:
            supergraph.types[name] = merged
    _spread_interface_object_fields(supergraph, by_name)
    _check_interface_implementations(supergraph, by_name, report)
    _check_entity_interfaces(by_name, report)
    query = supergraph.types.get("Query")
    if query is None or not query.fields:
        report.error(
            "NO_QUERIES",
            "No queries found in any subgraph: a supergraph must have a query root type.",
        )
    supergraph.uses_override_label = any(
        join.override_label is not None
        for merged_type in supergraph.types.values()
        for merged_field in merged_type.fields.values()
        for join in merged_field.joins
    )
    supergraph.features = _features(supergraph)
    for subgraph in subgraphs:
        for link in subgraph.composed_links:
            url = next(
                (print_ast(a.value) for a in link.arguments or () if a.name.value == "url"), ""
            )
            supergraph.composed_links.setdefault(url, print_ast(link))
    composed: dict[str, DirectiveDefinitionNode] = {}
    for subgraph in subgraphs:
        for name, definition in subgraph.composed.items():
            composed[name] = _with_defaults(composed.get(name), definition)
    for name, definition in composed.items():
        supergraph.composed_directives[name] = print_ast(definition)
    if any(s.version >= (2, 8) for s in subgraphs):
        supergraph.join_minor = 5
    elif supergraph.uses_override_label:
        supergraph.join_minor = 4
    return supergraph


class MergeContext:
    """What merging one type needs from the others: kinds, subtypes, key fields, enum usage."""

    def __init__(
        self, subgraphs: list[SubgraphModel], by_name: dict[str, Sources], kinds: dict[str, str]
    ) -> None:
        self.subgraphs = subgraphs
        self.by_name = by_name
        self.kinds = kinds
        self.supertypes: dict[str, set[str]] = {}
        for sources in by_name.values():
            for _, model in sources:
                for interface in model.interfaces:
                    self.supertypes.setdefault(model.name, set()).add(interface)
                for member in model.members:
                    self.supertypes.setdefault(member, set()).add(model.name)
        self.key_fields: dict[str, set[tuple[str, str]]] = {}
        for subgraph in subgraphs:
            selected: set[tuple[str, str]] = set()
            for model in subgraph.types.values():
                for key in model.keys:
                    try:
                        selected.update(
                            (s.parent, s.field) for s in walk_field_set(subgraph, model, key.fields)
                        )
                    except FieldSetError:
                        pass
            self.key_fields[subgraph.name] = selected
        self._inputs: dict[str, str] = {}
        self._outputs: dict[str, str] = {}
        for subgraph in subgraphs:
            for model in subgraph.types.values():
                for field in model.fields.values():
                    coordinate = f"{model.name}.{field.name}"
                    target = self._inputs if model.kind == INPUT_OBJECT else self._outputs
                    target.setdefault(named_type(field.type), coordinate)
                    for arg in field.args.values():
                        self._inputs.setdefault(named_type(arg.type), f"{coordinate}({arg.name}:)")

    def is_named_subtype(self, sub: str, sup: str) -> bool:
        seen: set[str] = set()
        stack = [sub]
        while stack:
            current = stack.pop()
            for parent in self.supertypes.get(current, ()):
                if parent == sup:
                    return True
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return False

    def enum_usage(self, name: str) -> tuple[str | None, str | None]:
        return self._inputs.get(name), self._outputs.get(name)


def _merged_kinds(by_name: dict[str, Sources], report: Report) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for name, sources in by_name.items():
        seen: dict[str, list[str]] = {}
        for subgraph, model in sources:
            kind = INTERFACE if model.interface_object else model.kind
            seen.setdefault(kind, []).append(subgraph.name)
        if len(seen) > 1:
            first_kind = _kind_of(sources[0][1])
            parts = [
                f"{KIND_WORDS[kind]} in {_subgraph_word(names)} {quote_list(names)}"
                for kind, names in seen.items()
            ]
            report.error(
                "TYPE_KIND_MISMATCH",
                f'Type "{name}" has mismatched kind: it is defined as {parts[0]} but '
                f"{' and '.join(parts[1:])}",
                tuple(s.name for s, _ in sources),
                name,
            )
            del first_kind
            continue
        kinds[name] = next(iter(seen))
        if all(model.extends_only for _, model in sources):
            for subgraph, _ in sources:
                report.error(
                    "EXTENSION_WITH_NO_BASE",
                    f'[{subgraph.name}] Type "{name}" is an extension type, but there is no type '
                    f'definition for "{name}" in any subgraph.',
                    (subgraph.name,),
                    name,
                )
        if any(model.interface_object for _, model in sources) and not any(
            model.kind == INTERFACE for _, model in sources
        ):
            names = [s.name for s, _ in sources]
            report.error(
                "INTERFACE_OBJECT_USAGE_ERROR",
                f'Type "{name}" is declared with @interfaceObject in all the subgraphs in which '
                "is is defined "
                f"(it is defined in {_subgraph_word(names)} {quote_list(names)} but should be "
                "defined as an "
                "interface in at least one subgraph)",
                tuple(names),
                name,
            )
    return kinds


def _kind_of(model: TypeModel) -> str:
    return INTERFACE if model.interface_object else model.kind


def _subgraph_word(names: list[str]) -> str:
    return "subgraph" if len(names) == 1 else "subgraphs"


def _merge_composite(
    context: MergeContext, name: str, kind: str, sources: Sources, report: Report
) -> MergedType:
    merged = MergedType(name=name, kind=kind)
    for subgraph, model in sources:
        if model.keys:
            for key in model.keys:
                merged.join_types.append(
                    JoinType(
                        subgraph.graph,
                        key.fields,
                        model.extension,
                        key.resolvable,
                        model.interface_object,
                    )
                )
        else:
            merged.join_types.append(
                JoinType(subgraph.graph, interface_object=model.interface_object)
            )
        for interface in model.interfaces:
            if interface not in merged.interfaces:
                merged.interfaces.append(interface)
            merged.implements.append((subgraph.graph, interface))
        merged.applied = merge_applied(merged.applied, model.applied)
        merged.applied = merge_applied(
            merged.applied, [context_directive(subgraph.name, c) for c in model.contexts]
        )
    merged.description = pick_description(
        name, [(s.name, m.description) for s, m in sources], report
    )
    field_names: list[str] = []
    for _, model in sources:
        field_names.extend(f for f in model.fields if f not in field_names)
    for field_name in field_names:
        field_sources = [(s, m, m.fields[field_name]) for s, m in sources if field_name in m.fields]
        merged_field = merge_field(context, name, kind, len(sources), field_sources, report)
        if merged_field is not None:
            merged.fields[field_name] = merged_field
    return merged


def _check_interface_implementations(
    supergraph: Supergraph, by_name: dict[str, Sources], report: Report
) -> None:
    """An implementation must have every field its interface declares in any subgraph."""
    for merged in supergraph.types.values():
        if merged.kind != OBJECT:
            continue
        for interface_name in merged.interfaces:
            interface = supergraph.types.get(interface_name)
            if interface is None:
                continue
            for field_name in interface.fields:
                if field_name in merged.fields:
                    continue
                declared = next(
                    (s.name for s, m in by_name[interface_name] if field_name in m.fields), "?"
                )
                implementing = next(
                    (s.name for s, m in by_name[merged.name] if interface_name in m.interfaces), "?"
                )
                coordinate = f"{interface_name}.{field_name}"
                report.error(
                    "INTERFACE_FIELD_NO_IMPLEM",
                    f'Interface field "{coordinate}" is declared in subgraph "{declared}" but type '
                    f'"{merged.name}", which implements "{interface_name}" in subgraph '
                    f'"{implementing}" '
                    f'does not have field "{field_name}".',
                    (declared, implementing),
                    coordinate,
                )


def _spread_interface_object_fields(supergraph: Supergraph, by_name: dict[str, Sources]) -> None:
    """Fields an @interfaceObject adds to an interface also appear on every implementation."""
    for name, sources in by_name.items():
        interface = supergraph.types.get(name)
        if interface is None or interface.kind != INTERFACE:
            continue
        added: list[str] = []
        for _, model in sources:
            if model.interface_object:
                added.extend(f for f in model.fields if f not in added)
        if not added:
            continue
        for merged_type in supergraph.types.values():
            if name not in merged_type.interfaces:
                continue
            for field_name in added:
                if field_name not in merged_type.fields:
                    source = interface.fields[field_name]
                    merged_type.fields[field_name] = MergedField(
                        name=field_name,
                        type=source.type,
                        args=dict(source.args),
                        description=source.description,
                        joins=[JoinField(graph=None)],
                    )


def _features(supergraph: Supergraph) -> set[str]:
    features: set[str] = set()

    def add(applied: list[DirectiveNode]) -> None:
        for directive in applied:
            name = directive.name.value
            if name in ("tag", "inaccessible", "authenticated", "requiresScopes", "policy"):
                features.add(name)
            elif name == "context":
                features.add("context")
            elif name in DEMAND_CONTROL:
                features.add("cost")

    for merged_type in supergraph.types.values():
        add(merged_type.applied)
        for merged_field in merged_type.fields.values():
            add(merged_field.applied)
            for arg in merged_field.args.values():
                add(arg.applied)
        for value in merged_type.values.values():
            add(value.applied)
    return features


__all__ = ["SCALAR", "merge"]


def _check_entity_interfaces(by_name: dict[str, Sources], report: Report) -> None:
    """An interface with a @key somewhere implemented nowhere in that subgraph cannot resolve."""
    for name, sources in by_name.items():
        keyed = [(s, m) for s, m in sources if m.kind == INTERFACE and m.keys]
        if not keyed:
            continue
        implementers: dict[str, set[str]] = {}
        for subgraph, _ in sources:
            implementers[subgraph.name] = {
                t.name for t in subgraph.types.values() if name in t.interfaces and t.kind == OBJECT
            }
        if all(implementers[s.name] for s, _ in keyed):
            continue
        everywhere = sorted(set().union(*implementers.values()))
        for subgraph, model in keyed:
            missing = [t for t in everywhere if t not in implementers[subgraph.name]]
            if not missing:
                continue
            word = "types" if len(missing) > 1 else "type"
            pronoun = "them" if len(missing) > 1 else "it"
            report.error(
                "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
                f'[{subgraph.name}] Interface type "{name}" has a resolvable key '
                f'(@key(fields: "{model.keys[0].fields}")) in subgraph "{subgraph.name}" but that '
                f'subgraph is missing some of the supergraph implementation types of "{name}". '
                f'Subgraph "{subgraph.name}" should define {word} {quote_list(missing)} (and have '
                f'{pronoun} implement "{name}").',
                (subgraph.name,),
                name,
            )


def _with_defaults(
    kept: DirectiveDefinitionNode | None, other: DirectiveDefinitionNode
) -> DirectiveDefinitionNode:
    """The first definition of a composed directive, an argument default any subgraph gives
    filled in (a client may then leave the argument out)."""
    if kept is None:
        return other
    defaults = {a.name.value: a.default_value for a in other.arguments or () if a.default_value}
    if not defaults:
        return kept
    arguments = tuple(
        replace(a, default_value=defaults[a.name.value])
        if a.default_value is None and a.name.value in defaults
        else a
        for a in kept.arguments or ()
    )
    return replace(kept, arguments=arguments)

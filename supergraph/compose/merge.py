"""Merges subgraph models into one supergraph model, recording Federation 2 merge errors."""

from __future__ import annotations

from graphql.language import DirectiveNode, NonNullTypeNode, TypeNode, print_ast

from .errors import Report, quote_list
from .fieldset import FieldSetError, walk_field_set
from .merge_values import merge_enum, merge_input, merge_scalar, merge_union
from .model import (
    ENUM,
    INPUT_OBJECT,
    INTERFACE,
    KIND_WORDS,
    OBJECT,
    SCALAR,
    UNION,
    FieldModel,
    SubgraphModel,
    TypeModel,
)
from .subgraph import named_type
from .supergraph_model import (
    JoinField,
    JoinType,
    MergedArgument,
    MergedField,
    MergedType,
    Supergraph,
)
from .typing_rules import is_subtype, narrowest, type_text, widest

Sources = list[tuple[SubgraphModel, TypeModel]]


def merge(subgraphs: list[SubgraphModel], report: Report) -> Supergraph:
    supergraph = Supergraph(graphs=[(s.graph, s.name, s.url) for s in subgraphs])
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
            merged = merge_union(name, sources)
        elif kind == ENUM:
            merged = merge_enum(name, sources, context.enum_usage(name), report)
        elif kind == INPUT_OBJECT:
            merged = merge_input(name, sources, report)
        else:
            merged = merge_scalar(name, sources)
        if merged is not None:
            supergraph.types[name] = merged
    _spread_interface_object_fields(supergraph, by_name)
    _check_interface_implementations(supergraph, by_name, report)
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
        if merged.description is None and model.description is not None:
            merged.description = model.description
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
    field_names: list[str] = []
    for _, model in sources:
        field_names.extend(f for f in model.fields if f not in field_names)
    for field_name in field_names:
        field_sources = [(s, m, m.fields[field_name]) for s, m in sources if field_name in m.fields]
        merged_field = _merge_field(context, name, kind, len(sources), field_sources, report)
        if merged_field is not None:
            merged.fields[field_name] = merged_field
    return merged


def _merge_field(
    context: MergeContext,
    type_name: str,
    kind: str,
    type_sources: int,
    sources: list[tuple[SubgraphModel, TypeModel, FieldModel]],
    report: Report,
) -> MergedField | None:
    field_name = sources[0][2].name
    coordinate = f"{type_name}.{field_name}"
    names = tuple(s.name for s, _, _ in sources)
    resolving = [(s, m, f) for s, m, f in sources if not f.external]
    if not resolving:
        if kind == OBJECT:
            report.error(
                "EXTERNAL_MISSING_ON_BASE",
                f'Field "{coordinate}" is marked @external on all the subgraphs in which it is '
                f"listed ({_subgraph_word(list(names))} {quote_list(names)}).",
                names,
                coordinate,
            )
        resolving = sources
    types = [f.type for _, _, f in resolving]
    merged_type = widest(types, context.is_named_subtype)
    if merged_type is None:
        described = "; ".join(
            f'type "{type_text(f.type)}" in {_subgraph_word([s.name])} "{s.name}"'
            for s, _, f in resolving
        )
        report.error(
            "FIELD_TYPE_MISMATCH",
            f'Type of field "{coordinate}" is incompatible across subgraphs: it has {described}',
            tuple(s.name for s, _, _ in resolving),
            coordinate,
        )
        return None
    _check_external_types(context, coordinate, sources, merged_type, report)
    types_differ = len({type_text(f.type) for _, _, f in sources}) > 1
    merged = MergedField(name=field_name, type=merged_type)
    for _, _, field in resolving:
        if merged.description is None and field.description is not None:
            merged.description = field.description
    for _, _, field in sources:
        merged.applied = merge_applied(merged.applied, field.applied)
    _merge_arguments(merged, coordinate, resolving, report)
    overrides = _overrides(coordinate, sources, report)
    if kind == OBJECT:
        _check_sharing(context, coordinate, resolving, overrides, report)
    special = any(
        f.external or f.requires or f.provides or f.override or f.override_label
        for _, _, f in sources
    )
    if special or types_differ or len(sources) != type_sources:
        for subgraph, _model, field in sources:
            join = JoinField(
                graph=subgraph.graph,
                requires=field.requires,
                provides=field.provides,
                type=type_text(field.type) if types_differ else None,
                external=field.external,
            )
            overridden_by = overrides.get(subgraph.name)
            if field.override is not None and field.override != subgraph.name:
                join.override = field.override
                join.override_label = field.override_label
            if overridden_by is not None:
                if overridden_by.override_label is not None:
                    join.override_label = overridden_by.override_label
                elif (type_name, field_name) in context.key_fields.get(subgraph.name, set()):
                    join.used_overridden = True
                else:
                    continue
            merged.joins.append(join)
    return merged


def _check_external_types(
    context: MergeContext,
    coordinate: str,
    sources: list[tuple[SubgraphModel, TypeModel, FieldModel]],
    merged_type: TypeNode,
    report: Report,
) -> None:
    externals = [(s, f) for s, _, f in sources if f.external]
    resolving = [(s, f) for s, _, f in sources if not f.external]
    if not externals or not resolving:
        return
    bad = [
        (s, f)
        for s, f in externals
        if not is_subtype(f.type, merged_type, context.is_named_subtype)
        and not is_subtype(merged_type, f.type, context.is_named_subtype)
    ]
    if not bad:
        return
    names = tuple(s.name for s, _, _ in sources)
    described = " but ".join(
        f'type "{type_text(f.type)}" in subgraph "{s.name}"' for s, f in [*resolving[:1], *bad]
    )
    report.error(
        "FIELD_TYPE_MISMATCH",
        f'Type of field "{coordinate}" is incompatible across subgraphs: it has {described}',
        names,
        coordinate,
    )
    report.error(
        "EXTERNAL_TYPE_MISMATCH",
        f'Type of field "{coordinate}" is incompatible across subgraphs (where marked @external): it has '
        f"{described}",
        names,
        coordinate,
    )


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
                    f'"{merged.name}", which implements "{interface_name}" in subgraph "{implementing}" '
                    f'does not have field "{field_name}".',
                    (declared, implementing),
                    coordinate,
                )


def _overrides(
    coordinate: str, sources: list[tuple[SubgraphModel, TypeModel, FieldModel]], report: Report
) -> dict[str, FieldModel]:
    """Source subgraph name -> the field overriding it."""
    by_name = {s.name: f for s, _, f in sources}
    overrides: dict[str, FieldModel] = {}
    for subgraph, _, field in sources:
        if field.override is None or field.override == subgraph.name:
            continue
        source = by_name.get(field.override)
        if source is None:
            report.hint(
                "FROM_SUBGRAPH_DOES_NOT_EXIST" if True else "",
                f'Source subgraph "{field.override}" for field "{coordinate}" on subgraph '
                f'"{subgraph.name}" does not exist or does not define the field.',
                (subgraph.name,),
                coordinate,
            )
            continue
        if source.override is not None:
            report.error(
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                f'Field "{coordinate}" on subgraph "{subgraph.name}" is also marked with '
                f'directive @override in subgraph "{field.override}". Only one @override '
                "directive is allowed per field.",
                (subgraph.name, field.override),
                coordinate,
            )
        overrides[field.override] = field
        overrides[field.override] = field
    return overrides


def _check_sharing(
    context: MergeContext,
    coordinate: str,
    resolving: list[tuple[SubgraphModel, TypeModel, FieldModel]],
    overrides: dict[str, FieldModel],
    report: Report,
) -> None:
    type_name, field_name = coordinate.split(".", 1)
    active = [(s, m, f) for s, m, f in resolving if s.name not in overrides]
    if len(active) < 2:
        return
    unshared = [
        s.name
        for s, m, f in active
        if s.fed2
        and not f.shareable
        and not m.shareable
        and (type_name, field_name) not in context.key_fields.get(s.name, set())
    ]
    if not unshared:
        return
    all_names = [s.name for s, _, _ in active]
    where = (
        "all of them"
        if len(unshared) == len(all_names)
        else f"{_subgraph_word(unshared)} {quote_list(unshared)}"
    )
    report.error(
        "INVALID_FIELD_SHARING",
        f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is resolved '
        f"from subgraphs {quote_list(all_names)} and defined as non-shareable in {where}",
        tuple(all_names),
        coordinate,
    )


def _merge_arguments(
    merged: MergedField,
    coordinate: str,
    sources: list[tuple[SubgraphModel, TypeModel, FieldModel]],
    report: Report,
) -> None:
    arg_names: list[str] = []
    for _, _, field in sources:
        arg_names.extend(a for a in field.args if a not in arg_names)
    for arg_name in arg_names:
        arg_coordinate = f"{coordinate}({arg_name}:)"
        present = [(s, f.args[arg_name]) for s, _, f in sources if arg_name in f.args]
        if len(present) != len(sources):
            missing = [s.name for s, _, f in sources if arg_name not in f.args]
            required = [
                s.name
                for s, a in present
                if isinstance(a.type, NonNullTypeNode) and a.default is None
            ]
            if required:
                report.error(
                    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                    f'Argument "{arg_coordinate}" is required in some subgraphs but does not '
                    f"appear in all subgraphs: it is required in {_subgraph_word(required)} "
                    f"{quote_list(required)} but does not appear in {_subgraph_word(missing)} "
                    f"{quote_list(missing)}",
                    tuple(required + missing),
                    arg_coordinate,
                )
            else:
                report.hint(
                    "INCONSISTENT_ARGUMENT_PRESENCE",
                    f'Optional argument "{arg_coordinate}" will not be included in the supergraph '
                    "as it does not appear in all subgraphs: it is defined in "
                    f"{_subgraph_word([s.name for s, _ in present])} "
                    f"{quote_list([s.name for s, _ in present])} but not in "
                    f"{_subgraph_word(missing)} {quote_list(missing)}",
                    tuple(missing),
                    arg_coordinate,
                )
            continue
        arg_type = narrowest([a.type for _, a in present])
        if arg_type is None:
            described = "; ".join(
                f'type "{type_text(a.type)}" in subgraph "{s.name}"' for s, a in present
            )
            report.error(
                "FIELD_ARGUMENT_TYPE_MISMATCH",
                f'Type of argument "{arg_coordinate}" is incompatible across subgraphs: it has '
                f"{described}",
                tuple(s.name for s, _ in present),
                arg_coordinate,
            )
            continue
        defaults = {print_ast(a.default) if a.default is not None else None for _, a in present}
        if len(defaults) > 1:
            described = " and ".join(
                "default value "
                f"{print_ast(a.default) if a.default is not None else 'no default value'} in "
                f'subgraph "{s.name}"'
                for s, a in present
            )
            report.error(
                "FIELD_ARGUMENT_DEFAULT_MISMATCH",
                f'Argument "{arg_coordinate}" has incompatible default values across subgraphs: '
                f"it has {described}",
                tuple(s.name for s, _ in present),
                arg_coordinate,
            )
        argument = MergedArgument(name=arg_name, type=arg_type, default=present[0][1].default)
        for _, arg in present:
            if argument.description is None:
                argument.description = arg.description
            argument.applied = merge_applied(argument.applied, arg.applied)
        merged.args[arg_name] = argument


def merge_applied(current: list[DirectiveNode], more: list[DirectiveNode]) -> list[DirectiveNode]:
    """Union of directive applications, each distinct application once (first @deprecated wins)."""
    seen = {print_ast(d) for d in current}
    names = {d.name.value for d in current}
    out = list(current)
    for directive in more:
        text = print_ast(directive)
        if text in seen or (directive.name.value == "deprecated" and "deprecated" in names):
            continue
        seen.add(text)
        names.add(directive.name.value)
        out.append(directive)
    return out


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
            if directive.name.value in (
                "tag",
                "inaccessible",
                "authenticated",
                "requiresScopes",
                "policy",
            ):
                features.add(directive.name.value)

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

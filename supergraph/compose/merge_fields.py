"""Merging one field across the subgraphs that declare it: type, arguments, sharing, override."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql.language import DirectiveNode, NonNullTypeNode, TypeNode, print_ast

from .authorization import AUTHORIZATION_ARGUMENTS, combine
from .contexts import supergraph_context
from .demand_control import DEMAND_CONTROL
from .demand_control import combine as combine_demand
from .descriptions import pick_description
from .errors import Report, quote_list
from .model import OBJECT, FieldModel, SubgraphModel, TypeModel
from .supergraph_model import JoinField, MergedArgument, MergedField
from .typing_rules import is_subtype, narrowest, type_text, widest

if TYPE_CHECKING:
    from .merge import MergeContext


def _subgraph_word(names: list[str] | tuple[str, ...]) -> str:
    return "subgraph" if len(names) == 1 else "subgraphs"


def merge_field(
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
    merged.description = pick_description(
        coordinate, [(s.name, f.description) for s, _, f in resolving], report
    )
    for _, _, field in sources:
        merged.applied = merge_applied(merged.applied, field.applied)
    _merge_arguments(merged, coordinate, resolving, report)
    overrides = _overrides(coordinate, sources, {s.name for s in context.subgraphs}, report)
    if kind == OBJECT:
        _check_sharing(context, coordinate, resolving, overrides, report)
    special = any(
        f.external
        or f.requires
        or f.provides
        or f.override
        or f.override_label
        or f.context_arguments
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
                context_arguments=[
                    (
                        supergraph_context(subgraph.name, a.context),
                        a.name,
                        type_text(a.type),
                        a.selection,
                    )
                    for a in field.context_arguments
                ],
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
        f'Type of field "{coordinate}" is incompatible across subgraphs (where marked @external): '
        "it has "
        f"{described}",
        names,
        coordinate,
    )


def _overrides(
    coordinate: str,
    sources: list[tuple[SubgraphModel, TypeModel, FieldModel]],
    all_subgraphs: set[str],
    report: Report,
) -> dict[str, FieldModel]:
    """Source subgraph name -> the field overriding it."""
    by_name = {s.name: f for s, _, f in sources}
    overrides: dict[str, FieldModel] = {}
    for subgraph, _, field in sources:
        if field.override is None or field.override == subgraph.name:
            continue
        source = by_name.get(field.override)
        if source is None and field.override in all_subgraphs:
            report.hint(
                "OVERRIDE_DIRECTIVE_CAN_BE_REMOVED",
                f'Field "{coordinate}" on subgraph "{subgraph.name}" no longer exists in the from '
                "subgraph. The @override directive can be removed.",
                (subgraph.name,),
                coordinate,
            )
            continue
        if source is None:
            report.hint(
                "FROM_SUBGRAPH_DOES_NOT_EXIST",
                f'Source subgraph "{field.override}" for field "{coordinate}" on subgraph '
                f'"{subgraph.name}" does not exist.',
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
        argument.description = pick_description(
            arg_coordinate, [(s.name, a.description) for s, a in present], report
        )
        for _, arg in present:
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
        if directive.name.value in AUTHORIZATION_ARGUMENTS and directive.name.value in names:
            index = next(i for i, d in enumerate(out) if d.name.value == directive.name.value)
            out[index] = combine(out[index], directive)
            seen.add(text)
            continue
        if directive.name.value in DEMAND_CONTROL and directive.name.value in names:
            index = next(i for i, d in enumerate(out) if d.name.value == directive.name.value)
            out[index] = combine_demand(out[index], directive)
            seen.add(text)
            continue
        seen.add(text)
        names.add(directive.name.value)
        out.append(directive)
    return out

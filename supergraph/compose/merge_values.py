"""Merging unions, enums, input objects and scalars across subgraphs."""

from __future__ import annotations

from graphql.language import DirectiveNode, NonNullTypeNode, print_ast

from .descriptions import pick_description
from .errors import Report, quote_list
from .model import ENUM, INPUT_OBJECT, SCALAR, UNION, SubgraphModel, TypeModel
from .supergraph_model import JoinType, MergedEnumValue, MergedField, MergedType
from .typing_rules import narrowest, type_text

Sources = list[tuple[SubgraphModel, TypeModel]]


def _start(name: str, kind: str, sources: Sources, report: Report) -> MergedType:
    from .merge_fields import merge_applied

    merged = MergedType(name=name, kind=kind)
    for subgraph, model in sources:
        merged.join_types.append(JoinType(subgraph.graph))
        merged.applied = merge_applied(merged.applied, model.applied)
    merged.description = pick_description(
        name, [(s.name, m.description) for s, m in sources], report
    )
    return merged


def _applied(current: list[DirectiveNode], more: list[DirectiveNode]) -> list[DirectiveNode]:
    from .merge_fields import merge_applied

    return merge_applied(current, more)


def merge_scalar(name: str, sources: Sources, report: Report) -> MergedType:
    return _start(name, SCALAR, sources, report)


def merge_union(name: str, sources: Sources, report: Report) -> MergedType:
    merged = _start(name, UNION, sources, report)
    for subgraph, model in sources:
        for member in model.members:
            if member not in merged.members:
                merged.members.append(member)
            merged.union_members.append((subgraph.graph, member))
    return merged


def merge_enum(
    name: str, sources: Sources, usage: tuple[str | None, str | None], report: Report
) -> MergedType | None:
    """Output enums unite values, input enums intersect them, enums used both ways must agree."""
    merged = _start(name, ENUM, sources, report)
    input_use, output_use = usage
    all_values: list[str] = []
    for _, model in sources:
        all_values.extend(v for v in model.values if v not in all_values)
    keep: list[str] = []
    failed = False
    for value in all_values:
        defining = [s.name for s, m in sources if value in m.values]
        missing = [s.name for s, m in sources if value not in m.values]
        if not missing:
            keep.append(value)
        elif input_use and output_use:
            report.error(
                "ENUM_VALUE_MISMATCH",
                f'Enum type "{name}" is used as both input type (for example, as type of '
                f'"{input_use}") and output '
                f'type (for example, as type of "{output_use}"), but value "{value}" is not '
                "defined in all the "
                f'subgraphs defining "{name}": "{value}" is defined in {_word(defining)} '
                f"{quote_list(defining)} but "
                f"not in {_word(missing)} {quote_list(missing)}",
                tuple(defining + missing),
                f"{name}.{value}",
            )
            failed = True
        elif input_use:
            report.hint(
                "INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM",
                f'Value "{value}" of enum type "{name}" will not be part of the supergraph as it '
                "is not defined in all "
                f'the subgraphs defining "{name}" (and "{name}" is used as an input type)',
                tuple(missing),
                f"{name}.{value}",
            )
        else:
            keep.append(value)
    if failed:
        return None
    if not keep:
        names = [s.name for s, _ in sources]
        report.error(
            "EMPTY_MERGED_ENUM_TYPE",
            f'None of the values of enum type "{name}" are defined consistently in all the '
            "subgraphs defining that type. "
            "As only values common to all subgraphs are merged, this would result in an empty "
            f"type (defined in subgraphs {quote_list(names)}).",
            tuple(names),
            name,
        )
        return None
    for value in keep:
        entry = MergedEnumValue(name=value)
        for subgraph, model in sources:
            value_model = model.values.get(value)
            if value_model is None:
                continue
            entry.graphs.append(subgraph.graph)
            entry.applied = _applied(entry.applied, value_model.applied)
        entry.description = pick_description(
            f"{name}.{value}",
            [(s.name, m.values[value].description) for s, m in sources if value in m.values],
            report,
        )
        merged.values[value] = entry
    return merged


def merge_input(name: str, sources: Sources, report: Report) -> MergedType | None:
    """Input objects keep the fields every subgraph has; a required field must be in all."""
    merged = _start(name, INPUT_OBJECT, sources, report)
    names: list[str] = []
    for _, model in sources:
        names.extend(f for f in model.fields if f not in names)
    failed = False
    for field_name in names:
        coordinate = f"{name}.{field_name}"
        present = [(s, m.fields[field_name]) for s, m in sources if field_name in m.fields]
        missing = [s.name for s, m in sources if field_name not in m.fields]
        if missing:
            required = [
                s.name
                for s, f in present
                if isinstance(f.type, NonNullTypeNode) and f.default is None
            ]
            if required:
                report.error(
                    "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                    f'Input object field "{coordinate}" is required in some subgraphs but does '
                    "not appear in all "
                    f"subgraphs: it is required in {_word(required)} {quote_list(required)} but "
                    "does not appear in "
                    f"{_word(missing)} {quote_list(missing)}",
                    tuple(required + missing),
                    coordinate,
                )
                failed = True
            else:
                report.hint(
                    "INCONSISTENT_INPUT_OBJECT_FIELD",
                    f'Input object field "{coordinate}" will not be added to the supergraph as it '
                    "does not appear in "
                    f"all subgraphs: it is defined in {_word([s.name for s, _ in present])} "
                    f"{quote_list([s.name for s, _ in present])} but not in {_word(missing)} "
                    f"{quote_list(missing)}",
                    tuple(missing),
                    coordinate,
                )
            continue
        field_type = narrowest([f.type for _, f in present])
        if field_type is None:
            described = "; ".join(
                f'type "{type_text(f.type)}" in subgraph "{s.name}"' for s, f in present
            )
            report.error(
                "FIELD_TYPE_MISMATCH",
                f'Type of field "{coordinate}" is incompatible across subgraphs: it has '
                f"{described}",
                tuple(s.name for s, _ in present),
                coordinate,
            )
            failed = True
            continue
        defaults = {print_ast(f.default) if f.default is not None else None for _, f in present}
        if len(defaults) > 1:
            described = " and ".join(
                "default value "
                f"{print_ast(f.default) if f.default is not None else 'no default value'} in "
                f'subgraph "{s.name}"'
                for s, f in present
            )
            report.error(
                "INPUT_FIELD_DEFAULT_MISMATCH",
                f'Input field "{coordinate}" has incompatible default values across subgraphs: it '
                f"has {described}",
                tuple(s.name for s, _ in present),
                coordinate,
            )
            failed = True
        merged_field = MergedField(name=field_name, type=field_type, default=present[0][1].default)
        for _, field in present:
            merged_field.applied = _applied(merged_field.applied, field.applied)
        merged_field.description = pick_description(
            coordinate, [(s.name, f.description) for s, f in present], report
        )
        merged.fields[field_name] = merged_field
    if failed:
        return None
    if not merged.fields:
        subgraph_names = [s.name for s, _ in sources]
        report.error(
            "EMPTY_MERGED_INPUT_TYPE",
            f'None of the fields of input object type "{name}" are consistently defined in all '
            "the subgraphs defining "
            "that type. As only fields common to all subgraphs are merged, this would result in "
            f"an empty type (defined in subgraphs {quote_list(subgraph_names)}).",
            tuple(subgraph_names),
            name,
        )
        return None
    return merged


def _word(names: list[str]) -> str:
    return "subgraph" if len(names) == 1 else "subgraphs"

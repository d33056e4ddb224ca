"""Checks that hiding elements with @inaccessible leaves a valid API schema (Apollo's rules)."""

from __future__ import annotations

from graphql.language import DirectiveNode, NonNullTypeNode

from .errors import Report
from .model import ENUM, INPUT_OBJECT, INTERFACE, OBJECT, UNION
from .supergraph_model import MergedType, Supergraph
from .typing_rules import named_type


def _hidden(applied: list[DirectiveNode]) -> bool:
    return any(d.name.value == "inaccessible" for d in applied)


def check_inaccessible(supergraph: Supergraph, report: Report) -> None:
    """Record API-schema errors, each naming the subgraphs that define the element's type."""
    if "inaccessible" not in supergraph.features:
        return
    found = Report()
    _check(supergraph, found)
    names = {graph: name for graph, name, _ in supergraph.graphs}
    for error in found.errors:
        type_name = (error.coordinate or "").split("(")[0].split(".")[0]
        merged = supergraph.types.get(type_name)
        graphs = list(dict.fromkeys(j.graph for j in merged.join_types)) if merged else []
        subgraphs = tuple(names[g] for g in graphs if g in names)
        listed = ", ".join(f'"{s}"' for s in subgraphs)
        report.error(
            error.code, f"{error.message} (in subgraphs {listed})", subgraphs, error.coordinate
        )


def _check(supergraph: Supergraph, report: Report) -> None:
    hidden_types = {name for name, t in supergraph.types.items() if _hidden(t.applied)}
    for name in ("Query",):
        if name in hidden_types:
            report.error(
                "QUERY_ROOT_TYPE_INACCESSIBLE",
                f'Type "{name}" is @inaccessible but is the query root type, which must be in the '
                "API schema.",
                coordinate=name,
            )
    for merged in supergraph.types.values():
        if merged.name in hidden_types:
            continue
        _check_children(merged, hidden_types, report)
        for field in merged.fields.values():
            coordinate = f"{merged.name}.{field.name}"
            if _hidden(field.applied):
                if merged.kind == INPUT_OBJECT and _required(field.type, field.default):
                    report.error(
                        "REQUIRED_INACCESSIBLE",
                        f'Input field "{coordinate}" is @inaccessible but is a required input '
                        "field of its type.",
                        coordinate=coordinate,
                    )
                _check_implements(supergraph, merged, field.name, report)
                continue
            _check_reference(named_type(field.type), coordinate, hidden_types, report)
            for arg in field.args.values():
                arg_coordinate = f"{coordinate}({arg.name}:)"
                if _hidden(arg.applied):
                    if _required(arg.type, arg.default):
                        report.error(
                            "REQUIRED_INACCESSIBLE",
                            f'Argument "{arg_coordinate}" is @inaccessible but is a required '
                            "argument of its "
                            "field.",
                            coordinate=arg_coordinate,
                        )
                    continue
                _check_reference(named_type(arg.type), arg_coordinate, hidden_types, report)


def _required(type_node: object, default: object) -> bool:
    return isinstance(type_node, NonNullTypeNode) and default is None


def _check_reference(
    type_name: str, coordinate: str, hidden_types: set[str], report: Report
) -> None:
    if type_name in hidden_types:
        report.error(
            "REFERENCED_INACCESSIBLE",
            f'Type "{type_name}" is @inaccessible but is referenced by "{coordinate}", which is '
            "in the API "
            "schema.",
            coordinate=coordinate,
        )


def _check_children(merged: MergedType, hidden_types: set[str], report: Report) -> None:
    if merged.kind in (OBJECT, INTERFACE, INPUT_OBJECT):
        children = [_hidden(f.applied) for f in merged.fields.values()]
        word = "fields"
    elif merged.kind == ENUM:
        children = [_hidden(v.applied) for v in merged.values.values()]
        word = "values"
    elif merged.kind == UNION:
        children = [m in hidden_types for m in merged.members]
        word = "members"
    else:
        return
    if children and all(children):
        report.error(
            "ONLY_INACCESSIBLE_CHILDREN",
            f'Type "{merged.name}" is in the API schema but all of its {word} are @inaccessible.',
            coordinate=merged.name,
        )


def _check_implements(
    supergraph: Supergraph, merged: MergedType, field_name: str, report: Report
) -> None:
    for interface_name in merged.interfaces:
        interface = supergraph.types.get(interface_name)
        if interface is None or _hidden(interface.applied):
            continue
        field = interface.fields.get(field_name)
        if field is not None and not _hidden(field.applied):
            report.error(
                "IMPLEMENTED_BY_INACCESSIBLE",
                f'Field "{merged.name}.{field_name}" is @inaccessible but implements the '
                "interface field "
                f'"{interface_name}.{field_name}", which is in the API schema.',
                coordinate=f"{merged.name}.{field_name}",
            )

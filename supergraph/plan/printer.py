"""Prints a query plan readably (the style of Apollo's query plans) or as JSON-ready data."""

from __future__ import annotations

from typing import Any

from graphql import parse, print_ast
from graphql.language import FieldNode, OperationDefinitionNode, SelectionSetNode

from supergraph.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    RequiredField,
    RequiredSelection,
    SelectionShape,
    SequenceNode,
    ShapeField,
)

_INDENT = "  "


def print_plan(plan: QueryPlan) -> str:
    lines = ["QueryPlan {"]
    if plan.introspection is not None:
        lines.append(_INDENT + "Introspection {")
        body = print_ast(plan.introspection).splitlines()
        lines.extend(_INDENT * 2 + line for line in body)
        lines.append(_INDENT + "},")
    if plan.node is not None:
        lines.extend(_node(plan.node, 1))
    lines.append("}")
    return "\n".join(lines)


def _node(node: PlanNode, depth: int) -> list[str]:
    pad = _INDENT * depth
    if isinstance(node, FetchNode):
        out = [f'{pad}Fetch(service: "{node.service}") {{']
        selection = _fetch_selection(node)
        if node.requires is not None:
            out.extend(_block(_required(node.requires), depth + 1))
            out[-1] += " =>"
        out.extend(_block(selection, depth + 1))
        out.append(pad + "},")
        return out
    if isinstance(node, FlattenNode):
        path = _flatten_path(node)
        return [f'{pad}Flatten(path: "{path}") {{', *_node(node.node, depth + 1), pad + "},"]
    if isinstance(node, (SequenceNode, ParallelNode)):
        name = "Sequence" if isinstance(node, SequenceNode) else "Parallel"
        out = [f"{pad}{name} {{"]
        for child in node.nodes:
            out.extend(_node(child, depth + 1))
        out.append(pad + "},")
        return out
    if isinstance(node, ConditionNode):
        if node.else_clause is None and node.if_clause is not None:
            return [
                f"{pad}Include(if: ${node.variable}) {{",
                *_node(node.if_clause, depth + 1),
                pad + "},",
            ]
        if node.if_clause is None and node.else_clause is not None:
            return [
                f"{pad}Skip(if: ${node.variable}) {{",
                *_node(node.else_clause, depth + 1),
                pad + "},",
            ]
        out = [f"{pad}Condition(if: ${node.variable}) {{"]
        if node.if_clause is not None:
            out.extend(_node(node.if_clause, depth + 1))
        out.append(pad + "} Else {")
        if node.else_clause is not None:
            out.extend(_node(node.else_clause, depth + 1))
        out.append(pad + "},")
        return out
    raise TypeError(f"unknown plan node {type(node).__name__}")


def _flatten_path(node: FlattenNode) -> str:
    """`review|[UserReview].product`: a type condition follows the element it applies after."""
    parts = list(node.path)
    for depth, types in node.type_conditions:
        if 0 < depth <= len(parts):
            parts[depth - 1] += "|[" + ",".join(sorted(types)) + "]"
    return ".".join(parts)


def _block(text: str, depth: int) -> list[str]:
    return [_INDENT * depth + line for line in text.splitlines()]


def _fetch_selection(node: FetchNode) -> str:
    document = parse(node.operation, no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    selection_set: SelectionSetNode = operation.selection_set
    if node.requires is not None:
        entities = selection_set.selections[0]
        assert isinstance(entities, FieldNode) and entities.selection_set is not None
        selection_set = entities.selection_set
    return print_ast(selection_set)


def _required(selections: tuple[RequiredSelection, ...]) -> str:
    lines = ["{"]
    _required_lines(selections, 1, lines)
    lines.append("}")
    return "\n".join(lines)


def _required_lines(
    selections: tuple[RequiredSelection, ...], depth: int, lines: list[str]
) -> None:
    pad = _INDENT * depth
    for selection in selections:
        if isinstance(selection, RequiredField):
            name = f"{selection.alias}: {selection.name}" if selection.alias else selection.name
            if selection.selections:
                lines.append(f"{pad}{name} {{")
                _required_lines(selection.selections, depth + 1, lines)
                lines.append(pad + "}")
            else:
                lines.append(pad + name)
        else:
            lines.append(f"{pad}... on {selection.type_condition} {{")
            _required_lines(selection.selections, depth + 1, lines)
            lines.append(pad + "}")


# ---------------------------------------------------------------- JSON


def plan_to_json(plan: QueryPlan) -> dict[str, Any]:
    return {
        "kind": "QueryPlan",
        "operationKind": plan.operation_kind,
        "node": _node_json(plan.node) if plan.node is not None else None,
        "introspection": print_ast(plan.introspection) if plan.introspection else None,
        "denied": [{"path": list(d.path), "coordinate": d.coordinate} for d in plan.denied],
        "shape": _shape_json(plan.shape),
    }


def _node_json(node: PlanNode) -> dict[str, Any]:
    if isinstance(node, FetchNode):
        out: dict[str, Any] = {
            "kind": "Fetch",
            "serviceName": node.service,
            "operationKind": node.operation_kind,
            "operation": node.operation,
            "variableUsages": list(node.variable_usages),
        }
        if node.requires is not None:
            out["requires"] = [_required_json(s) for s in node.requires]
        if node.representation_typename is not None:
            out["representationTypename"] = node.representation_typename
        return out
    if isinstance(node, FlattenNode):
        flatten: dict[str, Any] = {"kind": "Flatten", "path": list(node.path)}
        if node.type_conditions:
            flatten["typeConditions"] = [
                {"depth": depth, "types": sorted(types)} for depth, types in node.type_conditions
            ]
        flatten["node"] = _node_json(node.node)
        return flatten
    if isinstance(node, (SequenceNode, ParallelNode)):
        kind = "Sequence" if isinstance(node, SequenceNode) else "Parallel"
        return {"kind": kind, "nodes": [_node_json(n) for n in node.nodes]}
    return {
        "kind": "Condition",
        "condition": node.variable,
        "ifClause": _node_json(node.if_clause) if node.if_clause else None,
        "elseClause": _node_json(node.else_clause) if node.else_clause else None,
    }


def _required_json(selection: RequiredSelection) -> dict[str, Any]:
    if isinstance(selection, RequiredField):
        out: dict[str, Any] = {"kind": "Field", "name": selection.name}
        if selection.alias:
            out["alias"] = selection.alias
        if selection.selections:
            out["selections"] = [_required_json(s) for s in selection.selections]
        return out
    return {
        "kind": "InlineFragment",
        "typeCondition": selection.type_condition,
        "selections": [_required_json(s) for s in selection.selections],
    }


def _shape_json(shape: SelectionShape) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if shape.default is not None:
        out["fields"] = [_shape_field_json(f) for f in shape.default]
    if shape.by_type:
        out["byType"] = {
            name: [_shape_field_json(f) for f in fields] for name, fields in shape.by_type.items()
        }
    return out


def _shape_field_json(field: ShapeField) -> dict[str, Any]:
    out: dict[str, Any] = {"key": field.response_key, "field": field.field_name}
    out["nullability"] = list(field.nullability)
    if field.typename is not None:
        out["typename"] = field.typename
    if field.conditions:
        out["conditions"] = [[v, keep] for v, keep in field.conditions]
    if field.denied:
        out["denied"] = True
    if field.enum_values is not None:
        out["enumValues"] = sorted(field.enum_values)
    if field.selections is not None:
        out["selections"] = _shape_json(field.selections)
    return out

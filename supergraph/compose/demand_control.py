"""Demand control (`@cost`, `@listSize`, federation v2.9): checked per subgraph, merged.

Both directives go into the supergraph under the cost spec's names. Where several subgraphs
annotate one element, the costlier reading wins: the highest weight and assumed size, every
slicing argument and sized field any of them names, and `requireOneSlicingArgument` only when
all of them require it.
"""

from __future__ import annotations

from graphql.language import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NameNode,
    NonNullTypeNode,
    StringValueNode,
    TypeNode,
    ValueNode,
)

from .errors import Report
from .model import INTERFACE, OBJECT, ArgumentModel, SubgraphModel
from .typing_rules import named_type

DEMAND_CONTROL = frozenset({"cost", "listSize"})
_LIST_SIZE_ARGUMENTS = (
    "assumedSize",
    "slicingArguments",
    "sizedFields",
    "requireOneSlicingArgument",
)


def _argument(directive: DirectiveNode, name: str) -> ValueNode | None:
    return next((a.value for a in directive.arguments or () if a.name.value == name), None)


def _int(directive: DirectiveNode, name: str) -> int | None:
    value = _argument(directive, name)
    return int(value.value) if isinstance(value, IntValueNode) else None


def _strings(directive: DirectiveNode, name: str) -> list[str] | None:
    value = _argument(directive, name)
    if not isinstance(value, ListValueNode):
        return None
    return [v.value for v in value.values if isinstance(v, StringValueNode)]


def _is_list(type_node: TypeNode) -> bool:
    if isinstance(type_node, NonNullTypeNode):
        type_node = type_node.type
    return isinstance(type_node, ListTypeNode)


def combine(first: DirectiveNode, second: DirectiveNode) -> DirectiveNode:
    """One `@cost` or `@listSize` standing for both (the costlier reading)."""
    if first.name.value == "cost":
        weights = [w for w in (_int(first, "weight"), _int(second, "weight")) if w is not None]
        value = IntValueNode(value=str(max(weights, default=0)))
        return DirectiveNode(
            name=NameNode(value="cost"),
            arguments=(ArgumentNode(name=NameNode(value="weight"), value=value),),
        )
    values: dict[str, ValueNode] = {}
    sizes = [s for s in (_int(first, "assumedSize"), _int(second, "assumedSize")) if s is not None]
    if sizes:
        values["assumedSize"] = IntValueNode(value=str(max(sizes)))
    for name in ("slicingArguments", "sizedFields"):
        lists = [s for s in (_strings(first, name), _strings(second, name)) if s is not None]
        if lists:
            union = list(dict.fromkeys(item for names in lists for item in names))
            values[name] = ListValueNode(values=tuple(StringValueNode(value=v) for v in union))
    requires = [_argument(d, "requireOneSlicingArgument") for d in (first, second)]
    if any(isinstance(r, BooleanValueNode) for r in requires):
        every = all(not isinstance(r, BooleanValueNode) or r.value for r in requires)
        values["requireOneSlicingArgument"] = BooleanValueNode(value=every)
    return DirectiveNode(
        name=NameNode(value="listSize"),
        arguments=tuple(
            ArgumentNode(name=NameNode(value=name), value=values[name])
            for name in _LIST_SIZE_ARGUMENTS
            if name in values
        ),
    )


def check_demand_control(subgraph: SubgraphModel, report: Report) -> None:
    """`@cost` not on interface fields; `@listSize` on lists, naming real arguments and fields."""
    name = subgraph.name
    for model in subgraph.types.values():
        if model.kind not in (OBJECT, INTERFACE):
            continue
        for field in model.fields.values():
            coordinate = f"{model.name}.{field.name}"
            if model.kind == INTERFACE:
                if any(d.name.value == "cost" for d in field.applied):
                    report.error(
                        "COST_APPLIED_TO_INTERFACE_FIELD",
                        f'[{name}] @cost cannot be applied to interface "{coordinate}"',
                        (name,),
                        coordinate,
                    )
                for arg in field.args.values():
                    if any(d.name.value == "cost" for d in arg.applied):
                        report.error(
                            "COST_APPLIED_TO_INTERFACE_FIELD",
                            f'[{name}] @cost cannot be applied to interface "{coordinate}" '
                            f'argument "{arg.name}"',
                            (name,),
                            f"{coordinate}({arg.name}:)",
                        )
            for directive in field.applied:
                if directive.name.value == "listSize":
                    _check_list_size(
                        subgraph, coordinate, field.type, field.args, directive, report
                    )


def _check_list_size(
    subgraph: SubgraphModel,
    coordinate: str,
    field_type: TypeNode,
    args: dict[str, ArgumentModel],
    directive: DirectiveNode,
    report: Report,
) -> None:
    name = subgraph.name

    def error(code: str, message: str) -> None:
        report.error(code, f'[{name}] "{coordinate}" {message}', (name,), coordinate)

    assumed = _int(directive, "assumedSize")
    if assumed is not None and assumed < 0:
        error("LIST_SIZE_INVALID_ASSUMED_SIZE", "has negative @listSize(assumedSize:) value")
        return
    sized = _strings(directive, "sizedFields") or []
    if not sized and not _is_list(field_type):
        error(
            "LIST_SIZE_INVALID_SIZED_FIELD",
            "is not a list. Try to add @listSize(sizedFields:) argument.",
        )
        return
    if sized:
        target = subgraph.types.get(named_type(field_type))
        if target is None or target.kind not in (OBJECT, INTERFACE):
            error(
                "LIST_SIZE_INVALID_SIZED_FIELD",
                "has @listSize(sizedFields:) applied, but the output type is not a composite type",
            )
            return
        for sized_field in sized:
            found = target.fields.get(sized_field)
            if found is None:
                error(
                    "LIST_SIZE_INVALID_SIZED_FIELD",
                    f'references "{sized_field}" field in @listSize(sizedFields:) argument that '
                    "does not exist.",
                )
            elif not _is_list(found.type):
                error(
                    "LIST_SIZE_APPLIED_TO_NON_LIST",
                    f'references "{sized_field}" field in @listSize(sizedFields:) argument that '
                    "is not a list.",
                )
    for slicing in _strings(directive, "slicingArguments") or []:
        arg = args.get(slicing)
        if arg is None:
            error(
                "LIST_SIZE_INVALID_SLICING_ARGUMENT",
                f'references "{slicing}" argument in @listSize(slicingArguments:) that does not '
                "exist.",
            )
        elif named_type(arg.type) != "Int" or _is_list(arg.type):
            error(
                "LIST_SIZE_INVALID_SLICING_ARGUMENT",
                f'references "{slicing}" argument in @listSize(slicingArguments:) that is not an '
                "integer.",
            )

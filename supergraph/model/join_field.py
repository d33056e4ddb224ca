"""Reads `@join__field` on a field definition: which subgraphs resolve it, and how."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graphql.language import DirectiveNode, ListValueNode, ObjectValueNode, ValueNode

from supergraph.model.elements import ContextArgument, FieldSource, arguments, literal
from supergraph.model.errors import SupergraphError
from supergraph.model.fieldset import parse_field_set
from supergraph.model.links import Link


def read_join_fields(
    coordinate: str, directives: Sequence[DirectiveNode], join: Link, graphs: Mapping[str, str]
) -> tuple[FieldSource, ...] | None:
    """The field's sources; None when it has no @join__field (every subgraph of its type)."""
    name = join.directive("field")
    found = [d for d in directives if d.name.value == name]
    if not found:
        return None
    sources: list[FieldSource] = []
    for directive in found:
        args = arguments(directive)
        graph_value = literal(args.get("graph"))
        if graph_value is None:
            continue  # @join__field with no graph: resolved through an @interfaceObject only
        if graph_value not in graphs:
            raise SupergraphError(f"{coordinate}: @join__field names unknown graph {graph_value!r}")
        requires = literal(args.get("requires"))
        provides = literal(args.get("provides"))
        override, label, type_ = (
            literal(args.get("override")),
            literal(args.get("overrideLabel")),
            literal(args.get("type")),
        )
        sources.append(
            FieldSource(
                graph=graphs[graph_value],
                requires=parse_field_set(requires, f"@requires on {coordinate}")
                if isinstance(requires, str)
                else None,
                provides=parse_field_set(provides, f"@provides on {coordinate}")
                if isinstance(provides, str)
                else None,
                external=literal(args.get("external")) is True,
                override=override if isinstance(override, str) else None,
                used_overridden=literal(args.get("usedOverridden")) is True,
                override_label=label if isinstance(label, str) else None,
                type=type_ if isinstance(type_, str) else None,
                context_arguments=_context_arguments(coordinate, args.get("contextArguments")),
            )
        )
    return tuple(sources)


def _context_arguments(coordinate: str, value: ValueNode | None) -> tuple[ContextArgument, ...]:
    """`contextArguments: [{context:, name:, type:, selection:}]` (join v0.5)."""
    if value is None:
        return ()
    items = value.values if isinstance(value, ListValueNode) else (value,)  # a lone object too
    out: list[ContextArgument] = []
    for item in items:
        fields = (
            {f.name.value: literal(f.value) for f in item.fields}
            if isinstance(item, ObjectValueNode)
            else {}
        )
        name, type_, context, selection = (
            p if isinstance(p, str) else None
            for p in (fields.get(k) for k in ("name", "type", "context", "selection"))
        )
        if name is None or type_ is None or context is None or selection is None:
            raise SupergraphError(
                f"{coordinate}: @join__field(contextArguments:) needs name, type, context and "
                "selection strings"
            )
        out.append(ContextArgument(name, type_, context, selection))
    return tuple(out)

"""Reads `@join__type`, `@join__implements` and `@join__unionMember` on a type definition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graphql.language import DirectiveNode

from supergraph.model.elements import Key, TypeInGraph, arguments, literal
from supergraph.model.errors import SupergraphError
from supergraph.model.fieldset import parse_field_set
from supergraph.model.links import Link


def _graph(directive: DirectiveNode, graphs: Mapping[str, str], where: str) -> str:
    value = literal(arguments(directive).get("graph"))
    if value not in graphs:
        raise SupergraphError(f"{where}: @{directive.name.value} names unknown graph {value!r}")
    return graphs[value]


def read_join_types(
    type_name: str, directives: Sequence[DirectiveNode], join: Link, graphs: Mapping[str, str]
) -> dict[str, TypeInGraph]:
    """Per subgraph name: keys, interface object flag. Keys of repeated entries accumulate."""
    name = join.directive("type")
    keys: dict[str, list[Key]] = {}
    flags: dict[str, tuple[bool, bool]] = {}
    for directive in directives:
        if directive.name.value != name:
            continue
        graph = _graph(directive, graphs, type_name)
        args = arguments(directive)
        keys.setdefault(graph, [])
        key = literal(args.get("key"))
        if isinstance(key, str):
            resolvable = literal(args.get("resolvable"))
            keys[graph].append(
                Key(
                    graph,
                    parse_field_set(key, f"@key on {type_name}"),
                    key,
                    resolvable is not False,
                )
            )
        interface_object = literal(args.get("isInterfaceObject")) is True
        extension = literal(args.get("extension")) is True
        old = flags.get(graph, (False, False))
        flags[graph] = (old[0] or interface_object, old[1] or extension)
    return {
        graph: TypeInGraph(graph, tuple(keys[graph]), flags[graph][0], flags[graph][1])
        for graph in keys
    }


def read_implements(
    directives: Sequence[DirectiveNode], join: Link, graphs: Mapping[str, str], where: str
) -> dict[str, set[str]]:
    name = join.directive("implements")
    out: dict[str, set[str]] = {}
    for directive in directives:
        if directive.name.value == name:
            interface = literal(arguments(directive).get("interface"))
            if isinstance(interface, str):
                out.setdefault(_graph(directive, graphs, where), set()).add(interface)
    return out


def read_union_members(
    directives: Sequence[DirectiveNode], join: Link, graphs: Mapping[str, str], where: str
) -> dict[str, set[str]]:
    name = join.directive("unionMember")
    out: dict[str, set[str]] = {}
    for directive in directives:
        if directive.name.value == name:
            member = literal(arguments(directive).get("member"))
            if isinstance(member, str):
                out.setdefault(_graph(directive, graphs, where), set()).add(member)
    return out


def read_enum_value_graphs(
    directives: Sequence[DirectiveNode], join: Link, graphs: Mapping[str, str], where: str
) -> set[str]:
    name = join.directive("enumValue")
    return {_graph(d, graphs, where) for d in directives if d.name.value == name}

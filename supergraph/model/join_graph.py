"""Reads `enum join__Graph` and its `@join__graph(name:, url:)` values: the subgraphs."""

from __future__ import annotations

from dataclasses import dataclass

from graphql.language import DocumentNode, EnumTypeDefinitionNode

from supergraph.model.elements import arguments, literal
from supergraph.model.errors import SupergraphError
from supergraph.model.links import Links


@dataclass(frozen=True, slots=True)
class SubgraphInfo:
    """One subgraph of the supergraph."""

    name: str
    enum_value: str
    url: str


def read_graphs(document: DocumentNode, links: Links) -> dict[str, SubgraphInfo]:
    """Subgraphs by enum value (`PRODUCTS`), in declaration order."""
    join = links.get("join")
    assert join is not None
    enum_name = join.type_name("Graph")
    directive_name = join.directive("graph")
    graphs: dict[str, SubgraphInfo] = {}
    for definition in document.definitions:
        if not isinstance(definition, EnumTypeDefinitionNode) or definition.name.value != enum_name:
            continue
        for value in definition.values or ():
            enum_value = value.name.value
            info = None
            for directive in value.directives or ():
                if directive.name.value == directive_name:
                    args = arguments(directive)
                    name, url = literal(args.get("name")), literal(args.get("url"))
                    if not isinstance(name, str):
                        raise SupergraphError(
                            f"join__Graph value {enum_value} has @join__graph without a name"
                        )
                    info = SubgraphInfo(name, enum_value, url if isinstance(url, str) else "")
            graphs[enum_value] = info or SubgraphInfo(enum_value.lower(), enum_value, "")
    if not graphs:
        raise SupergraphError(f"the supergraph defines no subgraphs (enum {enum_name} is missing)")
    return graphs

"""Federation 2 composition: subgraph SDLs in, a supergraph SDL (join spec) or coded errors out.

A pure library: no I/O. `supergraph/sdl_fetch.py` fetches SDLs; `althaus compose` wires both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import CompositionError, CompositionHint, Report
from .inaccessible import check_inaccessible
from .merge import merge
from .model import SubgraphModel, graph_enum_name
from .printer import print_supergraph
from .satisfiability import check_satisfiability
from .subgraph import read_subgraph
from .validate import validate_subgraph

__all__ = [
    "CompositionError",
    "CompositionHint",
    "CompositionResult",
    "SubgraphDefinition",
    "compose",
]


@dataclass(frozen=True)
class SubgraphDefinition:
    """A subgraph to compose: name, the URL the gateway calls, its SDL (`_service { sdl }`)."""

    name: str
    url: str
    sdl: str


@dataclass
class CompositionResult:
    supergraph_sdl: str | None
    errors: list[CompositionError] = field(default_factory=list)
    hints: list[CompositionHint] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.supergraph_sdl is not None


def compose(subgraphs: list[SubgraphDefinition]) -> CompositionResult:
    """Compose `subgraphs` into a Federation 2 supergraph; deterministic for the same input.

    Never raises for bad input: every problem comes back in `errors`.
    """
    try:
        return _compose(subgraphs)
    except Exception as exc:  # a bug here must not take down the plugin engine or the gateway
        error = CompositionError(
            "COMPOSITION_INTERNAL_ERROR",
            f"composition failed unexpectedly ({type(exc).__name__}: {exc}); please report it "
            "with the subgraph SDLs",
            tuple(s.name for s in subgraphs),
        )
        return CompositionResult(None, [error], [])


def _compose(subgraphs: list[SubgraphDefinition]) -> CompositionResult:
    report = Report()
    ordered = sorted(subgraphs, key=lambda s: s.name)
    _check_names(ordered, report)
    models: list[SubgraphModel] = []
    for definition in ordered:
        model = read_subgraph(definition.name, definition.url, definition.sdl, report)
        if model is not None:
            validate_subgraph(model, report)
            models.append(model)
    if report.errors:
        return CompositionResult(None, report.errors, report.hints)
    supergraph = merge(models, report)
    if not report.errors:
        check_inaccessible(supergraph, report)
    if not report.errors:
        check_satisfiability(models, supergraph, report)
    if report.errors:
        return CompositionResult(None, report.errors, report.hints)
    return CompositionResult(print_supergraph(supergraph), [], report.hints)


def _check_names(subgraphs: list[SubgraphDefinition], report: Report) -> None:
    seen: dict[str, str] = {}
    for definition in subgraphs:
        if not definition.name or definition.name == "_":
            report.error(
                "INVALID_SUBGRAPH_NAME",
                f'Invalid subgraph name "{definition.name}".',
                (definition.name,),
            )
            continue
        graph = graph_enum_name(definition.name)
        if graph in seen:
            report.error(
                "INVALID_SUBGRAPH_NAME",
                f'Subgraphs "{seen[graph]}" and "{definition.name}" both map to the graph name '
                f"{graph}: rename one.",
                (seen[graph], definition.name),
            )
        seen[graph] = definition.name

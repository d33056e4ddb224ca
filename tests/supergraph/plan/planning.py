"""Plans operations over the fixture supergraphs for the planner tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import parse, validate

from supergraph.model import Supergraph
from supergraph.plan import QueryPlanner
from supergraph.plan.nodes import QueryPlan
from supergraph.plan.printer import print_plan

FIXTURES = Path(__file__).parent / "fixtures"


@cache
def supergraph(name: str) -> Supergraph:
    return Supergraph.from_sdl((FIXTURES / f"{name}.graphql").read_text())


@cache
def planner(name: str) -> QueryPlanner:
    return QueryPlanner(supergraph(name))


def plan(
    fixture: str,
    query: str,
    operation_name: str | None = None,
    denied: frozenset[int] = frozenset(),
) -> QueryPlan:
    document = parse(query)
    errors = validate(supergraph(fixture).api_schema, document)
    assert not errors, errors
    return planner(fixture).plan(document, operation_name, denied)


def plan_text(fixture: str, query: str, operation_name: str | None = None) -> str:
    return print_plan(plan(fixture, query, operation_name))


def expected(text: str) -> str:
    """A plan written indented in a test, as `print_plan` prints it."""
    import textwrap

    return textwrap.dedent(text).strip("\n")

"""`althaus plan`: print the query plan of an operation over a supergraph SDL file."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson
from graphql import GraphQLSyntaxError, parse, validate

from supergraph.model import Supergraph, SupergraphError
from supergraph.plan import PlanningError, QueryPlanner
from supergraph.plan.printer import plan_to_json, print_plan


def _read_query(query: str) -> str:
    if query == "-":
        return sys.stdin.read()
    if query.startswith("@"):
        path = Path(query[1:])
        try:
            return path.read_text()
        except OSError as exc:
            raise click.ClickException(f"cannot read query file {path}: {exc.strerror}") from None
    return query


@click.command(
    help="Print the query plan for an operation.\n\n"
    "QUERY is the operation text, @FILE.graphql to read it from a file, or - for stdin."
)
@click.option(
    "--supergraph",
    "supergraph_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Supergraph SDL file (Federation 2, composed by us, rover or another composer).",
)
@click.option("--operation-name", default=None, help="Operation to plan when there are several.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.argument("query")
def command(supergraph_file: Path, operation_name: str | None, as_json: bool, query: str) -> None:
    try:
        sdl = supergraph_file.read_text()
    except OSError as exc:
        raise click.ClickException(
            f"cannot read supergraph file {supergraph_file}: {exc.strerror}"
        ) from None
    try:
        supergraph = Supergraph.from_sdl(sdl)
    except SupergraphError as exc:
        raise click.ClickException(f"{supergraph_file}: {exc.message}") from None
    text = _read_query(query)
    try:
        document = parse(text)
    except GraphQLSyntaxError as exc:
        raise click.ClickException(f"invalid query: {exc.message}") from None
    errors = validate(supergraph.api_schema, document)
    if errors:
        listed = "; ".join(error.message for error in errors)
        raise click.ClickException(f"invalid query: {listed}")
    try:
        plan = QueryPlanner(supergraph).plan(document, operation_name)
    except PlanningError as exc:
        raise click.ClickException(f"cannot plan the query: {exc.message}") from None
    if as_json:
        click.echo(orjson.dumps(plan_to_json(plan), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(print_plan(plan))

"""`althaus plan`: print a plan for an operation over a supergraph file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from althaus.commands.plan import command

FIXTURES = Path(__file__).parent / "fixtures"
BENCH = str(FIXTURES / "bench.graphql")


def test_plan_prints_the_plan_readably() -> None:
    result = CliRunner().invoke(command, ["--supergraph", BENCH, "{ topProducts { name } }"])
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == ["QueryPlan {", '  Fetch(service: "products") {']


def test_plan_reads_the_query_from_a_file(tmp_path: Path) -> None:
    query = tmp_path / "q.graphql"
    query.write_text("query A { me { id } } query B { topProducts { upc } }")
    args = ["--supergraph", BENCH, "--operation-name", "B", f"@{query}"]
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 0 and 'service: "products"' in result.output


def test_plan_reads_the_query_from_stdin() -> None:
    result = CliRunner().invoke(command, ["--supergraph", BENCH, "-"], input="{ me { id } }")
    assert result.exit_code == 0 and 'service: "accounts"' in result.output


def test_plan_prints_json() -> None:
    args = ["--supergraph", BENCH, "--json", "{ topProducts { reviews { body } } }"]
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 0
    plan = json.loads(result.output)
    assert plan["node"]["kind"] == "Sequence"
    assert plan["node"]["nodes"][1]["path"] == ["topProducts", "@"]


def test_invalid_query_lists_its_validation_errors() -> None:
    result = CliRunner().invoke(command, ["--supergraph", BENCH, "{ nope }"])
    assert result.exit_code != 0
    assert "invalid query: Cannot query field 'nope' on type 'Query'." in result.output


def test_bad_supergraph_file_fails_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.graphql"
    bad.write_text("type Query { a: Int }")
    result = CliRunner().invoke(command, ["--supergraph", str(bad), "{ a }"])
    assert result.exit_code != 0
    assert "not a Federation 2 supergraph" in result.output
    assert len(result.output.strip().splitlines()) == 1

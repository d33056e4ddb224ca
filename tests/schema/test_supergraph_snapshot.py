"""schema/supergraph.graphql: the committed composition of the core subgraphs stays current."""

from __future__ import annotations

from althaus.snapshot import SNAPSHOT, compose_core, main
from supergraph.model import Supergraph


def test_committed_supergraph_is_the_composition_of_the_core_subgraphs() -> None:
    assert SNAPSHOT.read_text() == compose_core(), (
        "schema/supergraph.graphql is stale: run `uv run python -m althaus.snapshot`"
    )


def test_committed_supergraph_loads_into_the_gateway_model() -> None:
    supergraph = Supergraph.from_sdl(SNAPSHOT.read_text())
    assert {"users", "system"} <= set(supergraph.subgraphs)
    assert supergraph.api_schema.query_type is not None
    assert "join__Graph" not in supergraph.api_schema.type_map


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys) -> None:
    stale = tmp_path / "supergraph.graphql"
    stale.write_text("type Query { old: Int }\n")
    monkeypatch.setattr("althaus.snapshot.SNAPSHOT", stale)
    assert main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert main([]) == 0
    assert main(["--check"]) == 0

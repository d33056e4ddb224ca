"""`althaus compose`: SDL over real HTTP from Strawberry, from files, coded failures."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import strawberry
import uvicorn
from click.testing import CliRunner
from strawberry.asgi import GraphQL

from althaus.commands.compose import command
from tests.supergraph.compose.fixture_sets import FIXTURES


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID("1"), name="lamp")]


@pytest.fixture
def subgraph_url() -> Iterator[str]:
    schema = strawberry.federation.Schema(query=Query)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(GraphQL(schema), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/graphql"
    server.should_exit = True
    thread.join(timeout=10)


def test_compose_fetches_sdl_over_http_and_files(subgraph_url: str, tmp_path: Path) -> None:
    reviews = tmp_path / "reviews.graphql"
    reviews.write_text(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        'type Product @key(fields: "id") { id: ID!  stars: Int }\n'
    )
    out = tmp_path / "supergraph.graphql"
    result = CliRunner().invoke(
        command,
        [
            "--subgraph",
            f"products={subgraph_url}",
            "--subgraph",
            f"reviews={reviews}",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    sdl = out.read_text()
    assert f'PRODUCTS @join__graph(name: "products", url: "{subgraph_url}")' in sdl
    assert "stars: Int @join__field(graph: REVIEWS)" in sdl
    assert "products: [Product!]! @join__field(graph: PRODUCTS)" in sdl


def test_compose_prints_supergraph_to_stdout_from_files() -> None:
    folder = FIXTURES / "bench"
    args = [a for p in sorted(folder.glob("*.graphql")) for a in ("--subgraph", f"{p.stem}={p}")]
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("schema\n  @link(")
    assert 'type Review @join__type(graph: REVIEWS, key: "id")' in result.stdout


def test_compose_fails_with_coded_errors_and_exit_code_1() -> None:
    folder = FIXTURES / "errors" / "invalid_field_sharing"
    args = [a for p in sorted(folder.glob("*.graphql")) for a in ("--subgraph", f"{p.stem}={p}")]
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 1
    assert '[INVALID_FIELD_SHARING] Non-shareable field "Product.name"' in result.stderr
    assert '"catalog" and "products"' in result.stderr


def test_compose_reports_unreachable_subgraph_with_exit_code_2() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(
        command, ["--subgraph", f"gone=http://127.0.0.1:{port}/graphql", "--timeout", "2"]
    )
    assert result.exit_code == 2
    assert "SUBGRAPH_SDL_UNAVAILABLE" in result.stderr


def test_compose_rejects_malformed_subgraph_flag() -> None:
    result = CliRunner().invoke(command, ["--subgraph", "no-equals-sign"])
    assert result.exit_code == 2
    assert "expected NAME=URL or NAME=FILE" in result.output


def test_compose_help_describes_options() -> None:
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0
    assert "--subgraph" in result.output and "--out" in result.output


def test_compose_uses_url_option_for_file_subgraphs(tmp_path: Path) -> None:
    folder = FIXTURES / "bench"
    args = [a for p in sorted(folder.glob("*.graphql")) for a in ("--subgraph", f"{p.stem}={p}")]
    args += ["--url", "reviews=http://reviews.internal:4000/graphql"]
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert (
        'REVIEWS @join__graph(name: "reviews", url: "http://reviews.internal:4000/graphql")' in flat
    )
    assert "warning: no URL for subgraph accounts" in result.stderr

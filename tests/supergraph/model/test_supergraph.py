"""Reading a supergraph SDL: subgraphs, hash, errors, and what the model knows of fields."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from supergraph.model import INVALID_SUPERGRAPH, SubgraphInfo, Supergraph, SupergraphError

FIXTURES = Path(__file__).parent.parent / "plan" / "fixtures"


def _load(name: str) -> Supergraph:
    return Supergraph.from_sdl((FIXTURES / f"{name}.graphql").read_text())


def test_subgraphs_come_from_join_graph_in_order() -> None:
    sg = _load("bench")
    assert list(sg.subgraphs) == ["accounts", "inventory", "products", "reviews"]
    assert sg.subgraphs["products"] == SubgraphInfo(
        "products", "PRODUCTS", "http://0.0.0.0:4200/products"
    )


def test_hash_is_the_sha256_of_the_sdl_text() -> None:
    sdl = (FIXTURES / "bench.graphql").read_text()
    sg = Supergraph.from_sdl(sdl)
    assert sg.sdl == sdl and sg.hash == hashlib.sha256(sdl.encode()).hexdigest()


def test_sdl_that_does_not_parse_is_refused_with_its_code() -> None:
    with pytest.raises(SupergraphError) as caught:
        Supergraph.from_sdl("type Query {")
    assert caught.value.code == INVALID_SUPERGRAPH
    assert "does not parse" in caught.value.message


def test_a_plain_schema_is_not_a_supergraph() -> None:
    with pytest.raises(SupergraphError, match="no @link to the join spec"):
        Supergraph.from_sdl("type Query { a: Int }")


def test_unknown_graph_in_a_join_directive_is_named() -> None:
    sdl = (
        (FIXTURES / "bench.graphql")
        .read_text()
        .replace("@join__field(graph: PRODUCTS)\n  reviews", "@join__field(graph: NOPE)\n  reviews")
    )
    with pytest.raises(SupergraphError, match=r"Product\.name: @join__field names unknown graph"):
        Supergraph.from_sdl(sdl)


def test_keys_are_read_per_subgraph_with_resolvable_flag() -> None:
    warehouse = _load("keys").types["Warehouse"]
    assert [k.text for k in warehouse.graphs["orders"].keys] == ["code"]
    assert warehouse.graphs["orders"].keys[0].resolvable is False
    assert warehouse.graphs["shipping"].keys[0].resolvable is True


def test_multiple_keys_of_one_subgraph_are_all_kept() -> None:
    user = _load("keys").types["User"]
    assert [k.text for k in user.graphs["accounts"].keys] == ["id", "email"]


def test_join_field_sources_carry_requires_external_and_override() -> None:
    account = _load("override").types["Account"]
    balance = {s.graph: s for s in account.fields["balance"].sources or ()}
    assert balance["billing"].override == "legacy"
    assert balance["legacy"].used_overridden is True
    statement = account.fields["statement"].sources or ()
    assert statement[0].requires is not None


def test_interface_object_flag_is_read() -> None:
    item = _load("abstract").types["Item"]
    assert item.graphs["ratings"].interface_object is True
    assert item.graphs["catalog"].interface_object is False


def test_field_with_join_field_without_graph_has_no_direct_source() -> None:
    book = _load("abstract").types["Book"]
    assert book.fields["rating"].sources == ()


def test_field_without_join_field_belongs_to_every_subgraph_of_its_type() -> None:
    product = _load("bench").types["Product"]
    assert product.fields["upc"].sources is None


def test_renamed_join_spec_is_read_under_its_prefix() -> None:
    sdl = (FIXTURES / "bench.graphql").read_text()
    sdl = sdl.replace("join__", "j__").replace(
        '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)',
        '@link(url: "https://specs.apollo.dev/join/v0.3", as: "j", for: EXECUTION)',
    )
    sg = Supergraph.from_sdl(sdl)
    assert list(sg.subgraphs) == ["accounts", "inventory", "products", "reviews"]
    assert [k.text for k in sg.types["Product"].graphs["products"].keys] == ["upc"]
    assert sg.api_schema.get_type("j__Graph") is None


def test_older_join_versions_are_read() -> None:
    sdl = (FIXTURES / "keys.graphql").read_text().replace("join/v0.5", "join/v0.2")
    sg = Supergraph.from_sdl(sdl)
    assert [k.text for k in sg.types["Order"].graphs["orders"].keys] == [
        "id",
        "number region { code }",
    ]

"""Every fixture set serves its subgraphs and ships a supergraph naming exactly those subgraphs."""

from __future__ import annotations

import orjson
import pytest
from graphql import parse

from supergraph.transport import AsgiTransport
from tests.fixtures.federation.sdl import SETS, subgraphs_of, supergraph_sdl
from tests.fixtures.federation.serve import asgi_apps


@pytest.mark.parametrize("set_name", SETS)
async def test_every_subgraph_of_the_set_answers_its_service_sdl(set_name: str) -> None:
    for name, app in asgi_apps(subgraphs_of(set_name)).items():
        raw = await AsgiTransport(name, app).send(orjson.dumps({"query": "{_service{sdl}}"}), {})
        assert "@link" in orjson.loads(raw)["data"]["_service"]["sdl"], name


@pytest.mark.parametrize("set_name", SETS)
def test_supergraph_names_exactly_the_sets_subgraphs(set_name: str) -> None:
    document = parse(supergraph_sdl(set_name))
    graphs = next(
        d
        for d in document.definitions
        if getattr(d, "name", None) and d.name.value == "join__Graph"
    )
    names = {
        arg.value.value
        for value in graphs.values
        for directive in value.directives
        for arg in directive.arguments
        if arg.name.value == "name"
    }
    assert names == set(subgraphs_of(set_name))


def test_supergraph_urls_can_point_at_served_subgraphs() -> None:
    sdl = supergraph_sdl("classic", {"accounts": "http://127.0.0.1:9/accounts/graphql"})
    assert '"http://127.0.0.1:9/accounts/graphql"' in sdl

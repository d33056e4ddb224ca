"""Our supergraph equals the one Apollo composition produced for each Strawberry fixture set.

The fixture sets under tests/fixtures/federation/ carry a `supergraph.graphql` composed with Apollo
composition (its header says which version); no Node or network is needed to compare against it.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from supergraph.compose import SubgraphDefinition, compose

from .normalize import normalize_supergraph

FEDERATION = Path(__file__).parents[2] / "fixtures" / "federation"


def _apollo_sets() -> list[str]:
    if not FEDERATION.is_dir():
        return []
    return sorted(
        p.parent.name
        for p in FEDERATION.glob("*/supergraph.graphql")
        if "Apollo composition" in p.read_text(encoding="utf-8")[:400]
    )


APOLLO_SETS = _apollo_sets()


@pytest.mark.skipif(
    not APOLLO_SETS, reason="no Apollo-composed fixture sets under tests/fixtures/federation"
)
@pytest.mark.parametrize("name", APOLLO_SETS or ["none"])
def test_composition_equals_apollo_composition(name: str) -> None:
    from tests.fixtures.federation.sdl import fixture_url, subgraphs_of

    subgraphs = [
        SubgraphDefinition(n, fixture_url(n), schema.as_str())
        for n, schema in sorted(subgraphs_of(name).items())
    ]
    result = compose(subgraphs)
    assert result.supergraph_sdl is not None, [str(e) for e in result.errors]
    expected = (FEDERATION / name / "supergraph.graphql").read_text(encoding="utf-8")
    ours, apollo = normalize_supergraph(result.supergraph_sdl), normalize_supergraph(expected)
    if ours != apollo:
        diff = "\n".join(
            difflib.unified_diff(
                apollo.splitlines(), ours.splitlines(), "apollo", "ours", lineterm=""
            )
        )
        pytest.fail(f"supergraph differs from Apollo's after normalisation:\n{diff}")

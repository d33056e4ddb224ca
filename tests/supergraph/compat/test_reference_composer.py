"""Cross-check: our supergraph equals @theguild/federation-composition's for every fixture set."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

import pytest

from supergraph.compose import SubgraphDefinition, compose
from tests.supergraph.compose.fixture_sets import (
    composing_sets,
    failing_sets,
    load_set,
    strawberry_sets,
)

from .conftest import ReferenceComposer
from .normalize import normalize_supergraph

STRAWBERRY_SETS = strawberry_sets()
# Where the reference is known to differ from Apollo's composition, we follow Apollo.
KNOWN_DIVERGENCES = {
    "subtypes": "the reference omits join__field(type:) when a field's type differs across "
    "subgraphs; "
    "Apollo (and we) record each subgraph's type so the planner knows its real nullability",
    "mixed_versions": "the reference drops the join__field(external: true) of an "
    "@interfaceObject's @external field; we keep it so the planner knows that subgraph "
    "cannot resolve the field",
}


def _for_reference(subgraphs: list[SubgraphDefinition]) -> list[SubgraphDefinition]:
    """The reference (0.27) knows federation up to v2.9; Strawberry links v2.11."""
    return [replace(s, sdl=_NEWER_FEDERATION.sub("federation/v2.9", s.sdl)) for s in subgraphs]


_NEWER_FEDERATION = re.compile(r"federation/v2\.1[0-9]")


# join v0.5 elements Apollo prints (and we, like it) but the reference does not
_NOT_IN_REFERENCE = frozenset({"join__directive", "join__DirectiveArguments"})


def _assert_same_supergraph(ours: str, theirs: str) -> None:
    a, b = (
        normalize_supergraph(ours, _NOT_IN_REFERENCE),
        normalize_supergraph(theirs, _NOT_IN_REFERENCE),
    )
    if a != b:
        diff = "\n".join(
            difflib.unified_diff(b.splitlines(), a.splitlines(), "reference", "ours", lineterm="")
        )
        pytest.fail(f"supergraphs differ after normalisation:\n{diff}")


@pytest.mark.parametrize("name", composing_sets())
def test_composed_supergraph_matches_reference(
    name: str, reference_composer: ReferenceComposer
) -> None:
    if name in KNOWN_DIVERGENCES:
        pytest.xfail(KNOWN_DIVERGENCES[name])
    subgraphs = load_set(name)
    ours = compose(subgraphs)
    theirs = reference_composer(subgraphs)
    assert "supergraph" in theirs, f"reference composer failed on {name}: {theirs}"
    assert ours.supergraph_sdl is not None, [str(e) for e in ours.errors]
    _assert_same_supergraph(ours.supergraph_sdl, theirs["supergraph"])


@pytest.mark.parametrize("name", failing_sets())
def test_both_composers_reject_failing_set_with_same_codes(
    name: str, reference_composer: ReferenceComposer
) -> None:
    subgraphs = load_set(name)
    ours = compose(subgraphs)
    theirs = reference_composer(subgraphs)
    assert "errors" in theirs, f"reference composer accepted {name}"
    assert ours.supergraph_sdl is None
    assert {e.code for e in ours.errors} == {e["code"] for e in theirs["errors"]}, (
        [str(e) for e in ours.errors],
        theirs["errors"],
    )


@pytest.mark.skipif(
    not STRAWBERRY_SETS, reason="no Strawberry fixture sets under tests/fixtures/federation yet"
)
@pytest.mark.parametrize("name", sorted(STRAWBERRY_SETS) or ["none"])
def test_strawberry_set_composes_like_reference(
    name: str, reference_composer: ReferenceComposer
) -> None:
    subgraphs = STRAWBERRY_SETS[name]
    ours = compose(subgraphs)
    theirs = reference_composer(_for_reference(subgraphs))
    if "errors" in theirs:
        assert ours.supergraph_sdl is None, f"reference rejected {name}: {theirs['errors']}"
        return
    assert ours.supergraph_sdl is not None, [str(e) for e in ours.errors]
    _assert_same_supergraph(ours.supergraph_sdl, theirs["supergraph"])

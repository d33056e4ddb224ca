"""Damaged subgraph SDLs get coded errors, never an exception or an internal error."""

from __future__ import annotations

import random

from supergraph.compose import SubgraphDefinition, compose

from .fixture_sets import composing_sets, load_set

_DAMAGE = [
    '@key(fields: "id")',
    "@external",
    "@shareable",
    '@provides(fields: "x")',
    '@requires(fields: "id")',
    '@override(from: "a")',
    "@interfaceObject",
    "@inaccessible",
    "!",
    "[",
    "}",
    "extend ",
    "interface ",
    "implements Node",
    ": Int",
    "(a: Int!)",
]


def _damaged(subgraphs: list[SubgraphDefinition], rnd: random.Random) -> list[SubgraphDefinition]:
    index = rnd.randrange(len(subgraphs))
    tokens = subgraphs[index].sdl.split(" ")
    for _ in range(rnd.randint(1, 4)):
        position = rnd.randrange(len(tokens))
        if rnd.random() < 0.5:
            del tokens[position]
        else:
            tokens.insert(position, rnd.choice(_DAMAGE))
    damaged = list(subgraphs)
    damaged[index] = SubgraphDefinition(
        subgraphs[index].name, subgraphs[index].url, " ".join(tokens)
    )
    return damaged


def test_damaged_subgraphs_get_coded_errors_or_a_supergraph() -> None:
    rnd = random.Random(20261125)
    sets = [load_set(name) for name in composing_sets()]
    for _ in range(400):
        result = compose(_damaged(rnd.choice(sets), rnd))
        assert (result.supergraph_sdl is None) == bool(result.errors)
        assert all(e.code != "COMPOSITION_INTERNAL_ERROR" for e in result.errors), result.errors
